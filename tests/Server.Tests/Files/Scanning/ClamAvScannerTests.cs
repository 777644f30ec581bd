using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Atom.Server.Files.Scanning;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Files.Scanning;

/// <summary>
/// ClamAvScanner against a real clamd (tests/scripts/clamd.sh, local signatures), over both of its transports; and
/// against peers that are not a working clamd: nothing listening, a daemon that accepts and never answers, one that answers nonsense.
/// </summary>
public sealed class ClamAvScannerTests
{
    public static TheoryData<string> Transports => new() { "unix", "tcp" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Clean_content_is_clean_and_names_the_engine(string transport)
    {
        var verdict = await Scanner(Address(transport)).ScanAsync(new MemoryStream("just a harmless note"u8.ToArray()), CancellationToken.None);

        Assert.False(verdict.Infected);
        Assert.Null(verdict.Signature);
        Assert.StartsWith("ClamAV ", verdict.Engine, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Empty_content_is_clean(string transport)
    {
        var verdict = await Scanner(Address(transport)).ScanAsync(new MemoryStream(), CancellationToken.None);

        Assert.False(verdict.Infected);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task The_EICAR_test_string_is_infected_with_the_signature_name(string transport)
    {
        var verdict = await Scanner(Address(transport)).ScanAsync(new MemoryStream(ClamdServer.EicarTestString()), CancellationToken.None);

        Assert.True(verdict.Infected);
        Assert.Equal(ClamdServer.EicarSignature, verdict.Signature);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task The_EICAR_test_string_is_found_in_the_middle_of_a_large_stream_across_a_chunk_boundary(string transport)
    {
        const int chunkSize = 64 * 1024;
        var eicar = ClamdServer.EicarTestString();
        var content = new byte[5 * 1024 * 1024];
        Random.Shared.NextBytes(content);
        // Straddles the 40th chunk boundary, about 2.5 MB in: found only if the chunks reassemble into the original bytes.
        var at = (40 * chunkSize) - (eicar.Length / 2);
        eicar.CopyTo(content, at);

        await using var infectedUpload = Upload(content);
        var infected = await Scanner(Address(transport), chunkSize: chunkSize).ScanAsync(infectedUpload, CancellationToken.None);
        eicar.AsSpan().Clear();
        content.AsSpan(at, eicar.Length).Fill((byte)'x');
        await using var cleanUpload = Upload(content);
        var clean = await Scanner(Address(transport), chunkSize: chunkSize).ScanAsync(cleanUpload, CancellationToken.None);

        Assert.True(infected.Infected);
        Assert.Equal(ClamdServer.EicarSignature, infected.Signature);
        Assert.False(clean.Infected);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Ping_and_version_answer(string transport)
    {
        var scanner = Scanner(Address(transport));

        Assert.True(await scanner.PingAsync(CancellationToken.None));
        Assert.StartsWith("ClamAV ", await scanner.VersionAsync(CancellationToken.None), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Content_over_MaxStreamBytes_is_too_large_and_content_at_the_limit_is_scanned(string transport)
    {
        const int limit = 1024 * 1024;
        var scanner = Scanner(Address(transport), maxStreamBytes: limit);

        await using var over = Upload(null, limit + 1);
        await using var atLimitUpload = Upload(null, limit);
        var overUnseekable = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(over, CancellationToken.None));
        var overSeekable = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(new MemoryStream(new byte[limit + 1]), CancellationToken.None));
        var atLimit = await scanner.ScanAsync(atLimitUpload, CancellationToken.None);

        Assert.Equal(ScanFailure.TooLarge, overUnseekable.Failure);
        Assert.Equal(ScanFailure.TooLarge, overSeekable.Failure);
        Assert.Contains("MaxStreamBytes", overUnseekable.Message, StringComparison.Ordinal);
        Assert.False(atLimit.Infected);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Content_over_clamds_StreamMaxLength_is_too_large_when_MaxStreamBytes_is_set_above_it(string transport)
    {
        // The script's clamd takes 100M; this side would send 1 GiB, so clamd's own refusal is what ends the scan.
        var scanner = Scanner(Address(transport), maxStreamBytes: 1L << 30, chunkSize: 1024 * 1024);

        await using var upload = Upload(null, 1L << 30, piece: 64 * 1024);

        var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(upload, CancellationToken.None));

        Assert.Equal(ScanFailure.TooLarge, error.Failure);
    }

    [Fact]
    public async Task Nothing_listening_is_unreachable_at_once_not_after_the_timeout()
    {
        var missingSocket = "unix:" + Path.Combine(Path.GetTempPath(), "atom-no-clamd-" + Guid.NewGuid().ToString("N")[..8], "clamd.sock");
        var closedPort = "tcp://127.0.0.1:" + ClosedPort();

        foreach (var address in new[] { missingSocket, closedPort })
        {
            // A timeout far beyond any test run: were a refused connection waited out, the failure would say TimedOut (or hang).
            var scanner = Scanner(address, timeout: TimeSpan.FromHours(1));

            var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(new MemoryStream("x"u8.ToArray()), CancellationToken.None));

            Assert.Equal(ScanFailure.Unreachable, error.Failure);
            Assert.Contains(address, error.Message, StringComparison.Ordinal);
            Assert.False(await scanner.PingAsync(CancellationToken.None));
            Assert.Null(await scanner.VersionAsync(CancellationToken.None));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(64 * 1024 * 1024)]
    public async Task A_daemon_that_accepts_and_never_answers_times_out(long contentLength)
    {
        // Small content waits for a verdict that never comes; large content fills the socket buffers and waits to write.
        await using var silent = new SilentPeer();
        var scanner = Scanner(silent.Address, timeout: TimeSpan.FromMilliseconds(300));

        await using var upload = Upload(null, contentLength, piece: 64 * 1024);

        var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(upload, CancellationToken.None));

        Assert.Equal(ScanFailure.TimedOut, error.Failure);
        Assert.False(await scanner.PingAsync(CancellationToken.None));
        Assert.Null(await scanner.VersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Cancellation_ends_a_scan_waiting_on_the_daemon_as_a_cancellation_not_an_outage()
    {
        await using var silent = new SilentPeer();
        var scanner = Scanner(silent.Address, timeout: TimeSpan.FromHours(1));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scanner.ScanAsync(new MemoryStream("x"u8.ToArray()), cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scanner.PingAsync(cancel.Token));
    }

    [Fact]
    public async Task A_cancelled_scan_does_not_start()
    {
        var cancelled = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Scanner(ClamdServer.UnixAddress).ScanAsync(new MemoryStream(ClamdServer.EicarTestString()), cancelled));
    }

    [Fact]
    public async Task A_reply_that_is_not_a_verdict_is_no_verdict()
    {
        var content = "x"u8.ToArray();
        // What a well-formed INSTREAM of this content amounts to: command, one chunk, terminator.
        var request = "zINSTREAM\0"u8.Length + 4 + content.Length + 4;
        await using var peer = new SilentPeer(answerAfter: request, reply: "stream: maybe\0"u8.ToArray());
        var scanner = Scanner(peer.Address);

        var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(new MemoryStream(content), CancellationToken.None));

        Assert.Equal(ScanFailure.NoVerdict, error.Failure);
        Assert.Contains("stream: maybe", error.Message, StringComparison.Ordinal);
        Assert.Equal(request, peer.Received);
    }

    private static string Address(string transport) => transport == "unix" ? ClamdServer.UnixAddress : ClamdServer.TcpAddress;

    private static ClamAvScanner Scanner(string address, long? maxStreamBytes = null, int? chunkSize = null, TimeSpan? timeout = null)
    {
        var options = new ScannerOptions { Address = address, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        options.MaxStreamBytes = maxStreamBytes ?? options.MaxStreamBytes;
        options.ChunkSize = chunkSize ?? options.ChunkSize;
        return new ClamAvScanner(Options.Create(options), NullLogger<ClamAvScanner>.Instance);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A TCP peer where clamd should be: it accepts, reads, and answers only after a given number of bytes, if ever.</summary>
    private sealed class SilentPeer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task serving;
        private long received;

        public SilentPeer(int answerAfter = -1, byte[]? reply = null)
        {
            listener.Start();
            Address = "tcp://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
            serving = ServeAsync(answerAfter, reply);
        }

        public string Address { get; }

        public long Received => Interlocked.Read(ref received);

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving.ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
        }

        private async Task ServeAsync(int answerAfter, byte[]? reply)
        {
            var connections = new List<Socket>();
            try
            {
                while (true)
                {
                    var socket = await listener.AcceptSocketAsync(stop.Token);
                    connections.Add(socket);
                    // Never answering: the connection is held open and never read, so the client's writes back up too.
                    if (reply is null)
                    {
                        continue;
                    }

                    var buffer = new byte[4096];
                    var total = 0;
                    while (total < answerAfter)
                    {
                        var read = await socket.ReceiveAsync(buffer, stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        total += read;
                    }

                    Interlocked.Add(ref received, total);
                    await socket.SendAsync(reply, stop.Token);
                }
            }
            finally
            {
                connections.ForEach(c => c.Dispose());
            }
        }
    }

    /// <summary>
    /// Content as it comes from a network upload: not seekable, and in pieces (of <paramref name="piece"/> bytes) that the
    /// scanner must gather into full chunks itself. Without <paramref name="content"/> it is <paramref name="length"/>
    /// bytes made on the fly, never held; disposing the stream ends the writer wherever it is.
    /// </summary>
    private static Stream Upload(byte[]? content, long length = 0, int piece = 1000)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024));
        _ = Task.Run(async () =>
        {
            var filler = new byte[piece];
            filler.AsSpan().Fill((byte)'a');
            length = content?.Length ?? length;
            for (long at = 0; at < length; at += piece)
            {
                var n = (int)Math.Min(piece, length - at);
                var flushed = await pipe.Writer.WriteAsync(content is null ? filler.AsMemory(0, n) : content.AsMemory((int)at, n));
                if (flushed.IsCompleted)
                {
                    break;
                }
            }

            await pipe.Writer.CompleteAsync();
        });
        return pipe.Reader.AsStream();
    }
}
