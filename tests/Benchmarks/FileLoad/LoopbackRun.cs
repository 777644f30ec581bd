using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// The physical limit: the same files, sizes, chunking and concurrency as an upload run, copied over plain TCP on
/// 127.0.0.1 to a sink process (pinned like the server) that reads them into a buffer and answers with the count.
/// No framing, no hashing, no disk: what an upload costs beyond this is the price of the protocol and the store.
/// A sink given a directory also writes each file there, flushing it to disk every chunk as the server's staging
/// does, and deletes it: the limit of a durable upload on this machine's disk.
/// </summary>
public static class LoopbackRun
{
    private const int SinkBufferBytes = 1024 * 1024;

    /// <summary>Runs the copy against a sink (<c>--sink host:port</c>).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<FileResult> RunAsync(FileLoadOptions options)
    {
        var errors = new ErrorTally();
        var path = options.ToDisk ? "loopback-disk" : "loopback";
        var sink = IPEndPoint.Parse(options.Sink);
        var connections = new NetworkStream[options.Concurrency];
        for (var i = 0; i < connections.Length; i++)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(sink);
            connections[i] = tcp.GetStream(); // owns the socket
        }

        try
        {
            var send = (int worker, Payload payload) => CopyAsync(connections[worker], payload, errors);
            await Batch.RunAsync(Batch.Noise("warmup", options.WarmupFiles, Math.Min(options.Size, Batch.WarmupFileBytes), options.Chunk), 1, send);
            var payloads = Batch.Noise("copy", options.Files, options.Size, options.Chunk);
            var window = new ProcessWindow(options.ServerPid, null);
            var figures = await Batch.RunAsync(payloads, options.Concurrency, send);
            return (FileResult.Labels(options, "loopback", path) with { Errors = errors.ToDictionary() }).With(figures, window);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The sink: accepts connections on 127.0.0.1 and, per file, reads an 8-byte length and that many bytes (writing
    /// them to a file in <c>--write-dir</c>, flushed every <c>--chunk</c> bytes, when given), then answers with the length.
    /// </summary>
    /// <param name="options">The options (<c>--port</c>, <c>--write-dir</c>, <c>--chunk</c>).</param>
    /// <returns>Never, unless listening fails; the script kills it.</returns>
    public static async Task RunSinkAsync(FileLoadOptions options)
    {
        var listener = new TcpListener(IPAddress.Loopback, options.Port);
        listener.Start();
        Console.WriteLine($"sink listening on {listener.LocalEndpoint}");
        var directory = options.WriteDirectory;
        var chunk = options.Chunk;
        while (true)
        {
            var client = await listener.AcceptTcpClientAsync();
            client.NoDelay = true;
            _ = Task.Run(() => DrainAsync(client, directory, chunk));
        }
    }

    private static async Task<bool> CopyAsync(NetworkStream connection, Payload payload, ErrorTally errors)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(header, payload.Data.Length);
        await connection.WriteAsync(header);
        for (var i = 0; i < payload.Chunks; i++)
        {
            await connection.WriteAsync(payload.ChunkAt(i));
        }

        await connection.ReadExactlyAsync(header);
        if (BinaryPrimitives.ReadInt64LittleEndian(header) != payload.Data.Length)
        {
            errors.Add("the sink counted other bytes than were sent");
            return false;
        }

        return true;
    }

    private static async Task DrainAsync(TcpClient client, string? directory, int chunk)
    {
        using (client)
        {
            var stream = client.GetStream();
            var header = new byte[8];
            var buffer = new byte[SinkBufferBytes];
            try
            {
                while (true)
                {
                    await stream.ReadExactlyAsync(header);
                    var remaining = BinaryPrimitives.ReadInt64LittleEndian(header);
                    var file = directory is null ? null : Path.Combine(directory, Guid.NewGuid().ToString("N") + ".part");
                    using var handle = file is null ? null : File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
                    var received = 0L;
                    var flushed = 0L;
                    for (int read; remaining > 0 && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)))) > 0; remaining -= read)
                    {
                        if (handle is not null)
                        {
                            await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, read), received);
                            if (received + read - flushed >= chunk || remaining == read)
                            {
                                RandomAccess.FlushToDisk(handle);
                                flushed = received + read;
                            }
                        }

                        received += read;
                    }

                    if (file is not null)
                    {
                        handle!.Dispose();
                        File.Delete(file);
                    }

                    BinaryPrimitives.WriteInt64LittleEndian(header, received);
                    await stream.WriteAsync(header);
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                // The client is done with this connection.
            }
        }
    }
}
