using System.Collections.Concurrent;
using Atom.Benchmarks.Shared;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// The server under load (<see cref="AtomTarget"/>, native gRPC; and its gRPC-Web face for the browser path), the
/// upload paths, and the checks every file goes through: the stored file's size and SHA-256 are the sent bytes',
/// processing ends in READY, and a sample downloads back byte for byte.
/// </summary>
public sealed class FileTarget : AtomTarget
{
    // Watching files until they are ready, and deleting them, is unmeasured: enough at once to be quick, few enough not to flood the server.
    private const int CheckParallelism = 16;

    private readonly AtomTarget? _web;

    /// <summary>Initializes a new instance of the <see cref="FileTarget"/> class.</summary>
    /// <param name="options">The run's options.</param>
    public FileTarget(FileLoadOptions options)
        : base(options.Target, options.Token)
    {
        Options = options;
        _web = options.WebTarget is { } web ? new AtomTarget(web, options.Token, RpcProtocol.GrpcWeb) : null;
    }

    /// <summary>Gets the run's options.</summary>
    public FileLoadOptions Options { get; }

    /// <summary>Gets the failures so far, by reason.</summary>
    public ErrorTally Errors { get; } = new();

    /// <summary>Opens a client on a connection of its own, speaking what <paramref name="path"/> needs.</summary>
    /// <param name="path">stream, chunks-h2 (native gRPC) or chunks-web (gRPC-Web over HTTP/1.1).</param>
    /// <returns>The client.</returns>
    public FileServiceClient NewClient(string path) => new(path == "chunks-web"
        ? (_web ?? throw new ArgumentException("the chunks-web path needs --web-target")).NewChannel()
        : NewChannel());

    /// <summary>Uploads one file by a path and checks what the server stored; a failure is counted, not thrown.</summary>
    /// <param name="files">The client.</param>
    /// <param name="path">stream, chunks-web or chunks-h2.</param>
    /// <param name="payload">The file.</param>
    /// <returns>The stored file, or null when the upload failed or the server stored other bytes.</returns>
    public async Task<StoredFile?> UploadAsync(FileServiceClient files, string path, Payload payload)
    {
        StoredFile file;
        try
        {
            file = path == "stream" ? await StreamAsync(files, payload) : await ChunksAsync(files, payload, Options.InFlight);
        }
        catch (RpcException ex)
        {
            Errors.Add($"{path} upload: {ex.StatusCode}: {ex.Status.Detail}");
            return null;
        }

        if (file.Sha256 != payload.Sha256 || file.Size != payload.Data.Length)
        {
            Errors.Add($"{path} upload: the server stored {file.Size} bytes with sha256 {file.Sha256}, not the {payload.Data.Length} bytes sent");
            return null;
        }

        return file;
    }

    /// <summary>Watches files until each reaches a final state, counting every one that is not READY (or READY without text, when <paramref name="needText"/>).</summary>
    /// <param name="fileIds">The files.</param>
    /// <param name="needText">Whether READY must come with extracted text.</param>
    /// <returns>The final state of each file that reached one.</returns>
    public async Task<ConcurrentDictionary<string, StoredFile>> WaitUntilProcessedAsync(IEnumerable<string> fileIds, bool needText)
    {
        var done = new ConcurrentDictionary<string, StoredFile>(StringComparer.Ordinal);
        var files = new FileServiceClient(Admin);
        await Parallel.ForEachAsync(fileIds, new ParallelOptions { MaxDegreeOfParallelism = CheckParallelism }, async (id, _) =>
        {
            if (await WatchAsync(files, id, needText) is { } file)
            {
                done[id] = file;
            }
        });
        return done;
    }

    /// <summary>Follows WatchFile until the file's final state, checking it is READY (with text, when <paramref name="needText"/>).</summary>
    /// <param name="files">The client.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="needText">Whether READY must come with extracted text.</param>
    /// <returns>The file when it is READY as required; null, and an error counted, otherwise.</returns>
    public async Task<StoredFile?> WatchAsync(FileServiceClient files, string fileId, bool needText)
    {
        StoredFile? last = null;
        try
        {
            using var call = files.WatchFile(new WatchFileRequest { FileId = fileId }, new CallOptions { Deadline = DateTime.UtcNow + Options.ReadyTimeout });
            await foreach (var step in call)
            {
                last = step.File;
            }
        }
        catch (RpcException ex)
        {
            Errors.Add($"WatchFile: {ex.StatusCode}: {ex.Status.Detail}");
            return null;
        }

        if (last is null || last.State != FileState.Ready)
        {
            Errors.Add($"a file ended {last?.State.ToString() ?? "without a state"}{(last?.Problem is { Length: > 0 } p ? ": " + p : string.Empty)}");
            return null;
        }

        if (needText && last.TextLength == 0)
        {
            Errors.Add("a file was READY without extracted text");
            return null;
        }

        return last;
    }

    /// <summary>Downloads a file and compares it with what was sent.</summary>
    /// <param name="fileId">The file.</param>
    /// <param name="payload">What was sent.</param>
    /// <returns>Whether it came back byte for byte (a difference is counted as an error).</returns>
    public async Task<bool> DownloadMatchesAsync(string fileId, Payload payload)
    {
        var received = new MemoryStream(payload.Data.Length);
        try
        {
            using var call = new FileServiceClient(Admin).Download(new DownloadRequest { FileId = fileId });
            await foreach (var part in call)
            {
                if (part.Offset != received.Length)
                {
                    Errors.Add($"Download: a part at offset {part.Offset} after {received.Length} bytes");
                    return false;
                }

                part.Data.WriteTo(received);
            }
        }
        catch (RpcException ex)
        {
            Errors.Add($"Download: {ex.StatusCode}: {ex.Status.Detail}");
            return false;
        }

        if (!received.GetBuffer().AsSpan(0, (int)received.Length).SequenceEqual(payload.Data))
        {
            Errors.Add($"Download: {received.Length} bytes came back that differ from the {payload.Data.Length} sent");
            return false;
        }

        return true;
    }

    /// <summary>Deletes files, so one run's bytes do not weigh on the next.</summary>
    /// <param name="fileIds">The files.</param>
    /// <returns>A task.</returns>
    public async Task DeleteAsync(IEnumerable<string> fileIds)
    {
        var files = new FileServiceClient(Admin);
        await Parallel.ForEachAsync(fileIds, new ParallelOptions { MaxDegreeOfParallelism = CheckParallelism }, async (id, _) =>
        {
            try
            {
                await files.DeleteFileAsync(new DeleteFileRequest { FileId = id });
            }
            catch (RpcException ex)
            {
                Errors.Add($"DeleteFile: {ex.StatusCode}: {ex.Status.Detail}");
            }
        });
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _web?.Dispose();
        base.Dispose(disposing);
    }

    private static UploadMetadata Metadata(Payload payload) => new()
    {
        Name = payload.Name,
        DeclaredType = payload.MediaType,
        Size = payload.Data.Length,
        Sha256 = payload.Sha256,
        Folder = "bench",
    };

    // The chunks wrap the payload's array rather than copy it: the client's cost is then the transport's, not ours.
    private static FileChunk Chunk(Payload payload, int index) => new()
    {
        Offset = (long)index * payload.Chunk,
        Data = UnsafeByteOperations.UnsafeWrap(payload.ChunkAt(index)),
        Sha256 = payload.ChunkSha256[index],
    };

    // The Upload client stream: metadata, then every chunk in order on one HTTP/2 stream.
    private static async Task<StoredFile> StreamAsync(FileServiceClient files, Payload payload)
    {
        using var call = files.Upload();
        await call.RequestStream.WriteAsync(new UploadRequest { Metadata = Metadata(payload) });
        for (var i = 0; i < payload.Chunks; i++)
        {
            await call.RequestStream.WriteAsync(new UploadRequest { Chunk = Chunk(payload, i) });
        }

        await call.RequestStream.CompleteAsync();
        return (await call.ResponseAsync).File;
    }

    // The browser path: BeginUpload, then UploadChunk calls with up to inFlight of them at once (any order is allowed), then CompleteUpload.
    private static async Task<StoredFile> ChunksAsync(FileServiceClient files, Payload payload, int inFlight)
    {
        var upload = (await files.BeginUploadAsync(new BeginUploadRequest { Metadata = Metadata(payload) })).Upload;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, payload.Chunks)).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < payload.Chunks; i = Interlocked.Increment(ref next))
            {
                await files.UploadChunkAsync(new UploadChunkRequest { UploadId = upload.Id, Chunk = Chunk(payload, i) });
            }
        }));
        return (await files.CompleteUploadAsync(new CompleteUploadRequest { UploadId = upload.Id })).File;
    }
}
