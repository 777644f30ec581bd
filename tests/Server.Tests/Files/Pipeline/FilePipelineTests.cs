using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.S3;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Files.Pipeline;

/// <summary>
/// The processing pipeline end to end on servers configured for one situation each: blobs in a real S3-compatible bucket,
/// a PDF that cannot be read, and a virus scanner that is down and then comes back.
/// </summary>
public sealed class FilePipelineTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 500).Select(i => $"row {i}: stored in a bucket")));

    [Fact]
    public async Task With_the_s3_provider_files_live_in_the_bucket_once_per_content_and_are_served_from_it()
    {
        var bucket = S3Server.NewBucket();
        await using var server = await IdentityApiServer.StartAsync("sqlite", Arguments(ClamdServer.UnixAddress,
            "--Atom:Blobs:Provider=s3", $"--Atom:Blobs:S3:ServiceUrl={bucket.ServiceUrl}", $"--Atom:Blobs:S3:Bucket={bucket.Bucket}",
            $"--Atom:Blobs:S3:AccessKey={bucket.AccessKey}", $"--Atom:Blobs:S3:SecretKey={bucket.SecretKey}"));
        var files = await FilesOfNewUserAsync(server, "s3");

        var first = (await UploadStreamAsync(files, "a.txt", "text/plain", Text, 4096)).File;
        var second = (await UploadStreamAsync(files, "b.txt", "text/plain", Text, 65536)).File;
        Assert.Equal(FileState.Ready, (await WaitAsync(files, first.Id)).State);
        Assert.Equal(FileState.Ready, (await WaitAsync(files, second.Id)).State);
        Assert.Equal(Text, await DownloadAsync(files, first.Id));
        Assert.Equal(Text.AsSpan(1000, 2000).ToArray(), await DownloadAsync(files, second.Id, 1000, 2000));

        using var s3 = new AmazonS3Client(bucket.AccessKey, bucket.SecretKey, new AmazonS3Config { ServiceURL = bucket.ServiceUrl, ForcePathStyle = true });
        var objects = (await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket.Bucket })).S3Objects;
        var stored = Assert.Single(objects);
        Assert.Contains(Sha(Text), stored.Key, StringComparison.Ordinal);
        Assert.Equal(Text.Length, stored.Size);

        // GetServerInfo says where the blobs are, and never with what key.
        var blobs = Assert.Single((await new ServerServiceClient(server.Channel(TestServer.AdminToken)).GetServerInfoAsync(new GetServerInfoRequest())).Components, c => c.Name == "blobs");
        Assert.Equal(("s3", true), (blobs.Provider, blobs.Enabled));
        Assert.Contains(bucket.Bucket!, blobs.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(bucket.SecretKey!, blobs.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_pdf_is_scanned_clean_then_marked_unreadable_and_still_served()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", Arguments(ClamdServer.UnixAddress));
        var files = await FilesOfNewUserAsync(server, "pdf");
        var corrupt = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + new string('\u0007', 300) + "\ntrailer <<");

        var stored = (await UploadStreamAsync(files, "broken.pdf", "application/pdf", corrupt, 4096)).File;
        var file = await WaitAsync(files, stored.Id);
        Assert.Equal(FileState.Unreadable, file.State);
        Assert.Equal("application/pdf", file.MediaType);
        Assert.Equal(ScanVerdict.Clean, file.Scan.Verdict);
        Assert.NotEmpty(file.Problem);
        Assert.Empty((await files.GetFileAsync(new GetFileRequest { FileId = file.Id, View = FileView.Full })).File.Text);
        Assert.Equal(corrupt, await DownloadAsync(files, file.Id));
    }

    [Fact]
    public async Task While_the_scanner_is_down_a_file_waits_unserved_and_is_scanned_once_it_is_back()
    {
        await using var scanner = ClamdRelay.Reserve();
        await using var server = await IdentityApiServer.StartAsync("sqlite", Arguments(scanner.Address, "--Atom:Files:ScanRetryDelay=00:00:01"));
        var files = await FilesOfNewUserAsync(server, "down");
        var stored = (await UploadStreamAsync(files, "waiting.txt", "text/plain", Text, 65536)).File;

        using var watch = files.WatchFile(new WatchFileRequest { FileId = stored.Id }, new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(60) });
        var steps = watch.ResponseStream;
        while (await steps.MoveNext() && steps.Current.File.State != FileState.PendingScan)
        {
        }

        Assert.Equal(FileState.PendingScan, steps.Current.File.State);
        Assert.Equal(ScanVerdict.Unspecified, steps.Current.File.Scan?.Verdict ?? ScanVerdict.Unspecified);
        var refused = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(files, stored.Id));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("FILE_NOT_SERVABLE", refused.GetDetail<ErrorInfo>()!.Reason);

        scanner.Open(ClamdServer.TcpAddress);
        StoredFile last = steps.Current.File;
        while (await steps.MoveNext())
        {
            last = steps.Current.File;
        }

        Assert.Equal(FileState.Ready, last.State);
        Assert.Equal(ScanVerdict.Clean, last.Scan?.Verdict);
        Assert.Equal(Text, await DownloadAsync(files, stored.Id));
    }

    private static string[] Arguments(string scannerAddress, params string[] more) =>
        [$"--Atom:Scanner:Address={scannerAddress}", "--Atom:Jobs:PollInterval=00:00:01", .. more];

    private static async Task<FileServiceClient> FilesOfNewUserAsync(IdentityApiServer server, string name)
    {
        var team = await Team.CreateAsync(server, name, "ann");
        return new FileServiceClient(server.Channel(team["ann"].Token));
    }

    /// <summary>
    /// A loopback port where the scanner will be: nothing listens until <see cref="Open"/>, then every connection is relayed to
    /// the real clamd. A scanner that is down, then back, at one address.
    /// </summary>
    private sealed class ClamdRelay : IAsyncDisposable
    {
        private readonly int _port;
        private readonly CancellationTokenSource _stop = new();
        private TcpListener? _listener;
        private Task _accepting = Task.CompletedTask;

        private ClamdRelay(int port) => _port = port;

        public string Address => $"tcp://127.0.0.1:{_port}";

        public static ClamdRelay Reserve()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return new ClamdRelay(((IPEndPoint)probe.LocalEndPoint!).Port);
        }

        public void Open(string clamdTcpAddress)
        {
            var target = new Uri(clamdTcpAddress);
            _listener = new TcpListener(IPAddress.Loopback, _port);
            _listener.Start();
            _accepting = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = RelayAsync(client, target.Host, target.Port);
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener?.Stop();
            await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task RelayAsync(TcpClient client, string host, int port)
        {
            using (client)
            using (var clamd = new TcpClient())
            {
                await clamd.ConnectAsync(host, port, _stop.Token);
                var a = client.GetStream();
                var b = clamd.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
        }
    }
}
