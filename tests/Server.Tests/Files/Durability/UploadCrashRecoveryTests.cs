using System.Security.Cryptography;
using Atom.Server.Tests.Chat.Backplane;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;
using Xunit.Abstractions;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Files.Durability;

/// <summary>
/// A server killed with SIGKILL in the middle of an upload: after the restart, the upload is still there with the chunks it
/// committed, the client sends only what is missing, and the stored file's SHA-256 is the original's.
/// </summary>
public sealed class UploadCrashRecoveryTests(ITestOutputHelper output)
{
    private const int Size = 6 * 1024 * 1024;
    private const int ChunkSize = 128 * 1024;

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task An_upload_cut_by_a_crash_resumes_after_the_restart_and_the_sha256_matches(string provider)
    {
        var (storage, dataDir) = await StoreProvider.CreateAsync(provider);
        string[] args = [.. ProcessChat.Arguments, .. StoreProvider.ServerArguments(storage, dataDir),
            $"--Atom:Scanner:Address={ClamdServer.UnixAddress}", "--Atom:Jobs:PollInterval=00:00:01"];
        var data = Data();
        var metadata = new UploadMetadata { Name = "measurements.csv", Size = Size, Sha256 = Sha(data), RequestId = "measurements-1" };

        string token;
        long committedBeforeKill;
        await using (var first = await ServerProcess.StartAsync(args))
        {
            (_, token) = await ProcessChat.SignedInUserAsync(first, "ann@example.com");
            var files = new FileServiceClient(first.Channel(token));
            var call = files.Upload();
            await call.RequestStream.WriteAsync(new UploadRequest { Metadata = metadata });
            var sending = Task.Run(async () =>
            {
                for (var offset = 0; offset < Size; offset += ChunkSize)
                {
                    await call.RequestStream.WriteAsync(new UploadRequest { Chunk = Chunk(data, offset, ChunkSize) });
                }
            });

            // The client learns what the server has committed the way any client can: BeginUpload with the same request id.
            committedBeforeKill = 0;
            while (committedBeforeKill < Size / 3)
            {
                committedBeforeKill = (await files.BeginUploadAsync(new BeginUploadRequest { Metadata = metadata })).Upload.CommittedBytes;
                await Task.Delay(10);
            }

            await first.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => sending.WaitAsync(TimeSpan.FromSeconds(30)));
            call.Dispose();
        }

        await using var second = await ServerProcess.StartAsync(args);
        var again = new FileServiceClient(second.Channel(token));
        var upload = (await again.BeginUploadAsync(new BeginUploadRequest { Metadata = metadata })).Upload;
        Assert.Equal(UploadState.Open, upload.State);
        Assert.InRange(upload.CommittedBytes, committedBeforeKill, Size - 1);

        // Only the gaps go over the wire again.
        using var resume = again.Upload();
        await resume.RequestStream.WriteAsync(new UploadRequest { ResumeUploadId = upload.Id });
        long resent = 0;
        foreach (var (offset, length) in Gaps(upload))
        {
            for (var at = offset; at < offset + length; at += ChunkSize)
            {
                var size = (int)Math.Min(ChunkSize, offset + length - at);
                await resume.RequestStream.WriteAsync(new UploadRequest { Chunk = Chunk(data, at, size) });
                resent += size;
            }
        }

        await resume.RequestStream.CompleteAsync();
        var response = await resume.ResponseAsync;
        Assert.Equal(Sha(data), response.File.Sha256);
        Assert.Equal(UploadState.Completed, response.Upload.State);
        Assert.Equal(Size - upload.CommittedBytes, resent);

        var ready = await WaitAsync(again, response.File.Id);
        Assert.Equal(FileState.Ready, ready.State);
        Assert.Equal(Sha(data), Convert.ToHexStringLower(SHA256.HashData(await DownloadAsync(again, ready.Id))));
        output.WriteLine($"{provider}: {committedBeforeKill} bytes seen committed before the kill, {upload.CommittedBytes} committed after the restart, {resent} resent");
    }

    /// <summary>A CSV of random readings, exactly <see cref="Size"/> bytes: text, so the server accepts it, and not a run of one byte.</summary>
    private static byte[] Data()
    {
        var random = new Random(5);
        var text = new System.Text.StringBuilder(Size + 64);
        while (text.Length < Size)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{text.Length},{random.Next()},{random.NextDouble():F6}\n");
        }

        return System.Text.Encoding.ASCII.GetBytes(text.ToString(0, Size - 1) + "\n");
    }

    private static IEnumerable<(long Offset, long Length)> Gaps(Atom.V1.Upload upload)
    {
        long at = 0;
        foreach (var range in upload.Committed.OrderBy(r => r.Offset))
        {
            if (range.Offset > at)
            {
                yield return (at, range.Offset - at);
            }

            at = Math.Max(at, range.Offset + range.Length);
        }

        if (at < upload.Metadata.Size)
        {
            yield return (at, upload.Metadata.Size - at);
        }
    }
}
