using System.IO.Compression;
using System.Text;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Google.Protobuf;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Files.Api;

/// <summary>A real server (SQLite) with a real clamd, shared by the file API tests; each test works in a tenant of its own.</summary>
public sealed class FilesServer : IAsyncLifetime
{
    private int _teams;

    public IdentityApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityApiServer.StartAsync("sqlite",
        $"--Atom:Scanner:Address={ClamdServer.UnixAddress}", "--Atom:Files:MaxFileBytes=2000000", "--Atom:Files:UserQuotaBytes=5000000", "--Atom:Jobs:PollInterval=00:00:01");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Task<Team> TeamAsync(params string[] people) => Team.CreateAsync(Server, $"files{Interlocked.Increment(ref _teams)}", people);
}

/// <summary>
/// FileService end to end through the SDK: both upload paths, resume, checksums, conflicts, limits, types that lie,
/// names that attack, malware, archives that explode, visibility; and that a refused request stores nothing.
/// </summary>
public sealed class FileApiTests(FilesServer fixture) : IClassFixture<FilesServer>
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"line {i}: the quick brown fox jumps over the lazy dog")));

    [Fact]
    public async Task A_client_stream_upload_is_scanned_read_and_served_byte_for_byte()
    {
        var team = await fixture.TeamAsync("ann");
        var files = Files(team["ann"]);
        var response = await UploadStreamAsync(files, "notes.txt", "text/plain", Text, chunk: 7000);
        Assert.Equal(Sha(Text), response.File.Sha256);

        var ready = await WaitAsync(files, response.File.Id);
        Assert.Equal(FileState.Ready, ready.State);
        Assert.Equal(ScanVerdict.Clean, ready.Scan.Verdict);
        Assert.Equal("text/plain", ready.MediaType);
        var full = (await files.GetFileAsync(new GetFileRequest { FileId = ready.Id, View = FileView.Full })).File;
        Assert.Contains("line 1999: the quick brown fox", full.Text);
        Assert.Equal(Text, await DownloadAsync(files, ready.Id));
        Assert.Equal(Text.AsSpan(100, 5000).ToArray(), await DownloadAsync(files, ready.Id, 100, 5000));
    }

    [Fact]
    public async Task The_browser_path_takes_chunks_in_any_order_and_retries_and_resumes_from_the_committed_ranges()
    {
        var team = await fixture.TeamAsync("bob");
        var files = Files(team["bob"]);
        var upload = (await files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = "big.txt", DeclaredType = "text/plain", Size = Text.Length, Sha256 = Sha(Text) } })).Upload;

        await ChunkAsync(files, upload.Id, Text, 60000, 40000);
        await ChunkAsync(files, upload.Id, Text, 0, 30000);
        await ChunkAsync(files, upload.Id, Text, 0, 30000); // a retry: accepted again, stored once
        var status = (await files.GetUploadStatusAsync(new GetUploadStatusRequest { UploadId = upload.Id })).Upload;
        Assert.Equal([(0L, 30000L), (60000L, 40000L)], status.Committed.Select(r => (r.Offset, r.Length)));

        var incomplete = await Assert.ThrowsAsync<RpcException>(() => files.CompleteUploadAsync(new CompleteUploadRequest { UploadId = upload.Id }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, incomplete.StatusCode);
        Assert.Equal("UPLOAD_INCOMPLETE", Info(incomplete).Reason);
        Assert.Equal("30000", Info(incomplete).Metadata["missing_offset"]);

        await ChunkAsync(files, upload.Id, Text, 30000, 30000);
        await ChunkAsync(files, upload.Id, Text, 100000, Text.Length - 100000);
        var file = (await files.CompleteUploadAsync(new CompleteUploadRequest { UploadId = upload.Id })).File;
        Assert.Equal(file.Id, (await files.CompleteUploadAsync(new CompleteUploadRequest { UploadId = upload.Id })).File.Id);
        Assert.Equal(FileState.Ready, (await WaitAsync(files, file.Id)).State);
        Assert.Equal(Text, await DownloadAsync(files, file.Id));
    }

    [Fact]
    public async Task A_stream_cut_off_mid_upload_resumes_with_only_the_missing_bytes()
    {
        var team = await fixture.TeamAsync("cy");
        var files = Files(team["cy"]);
        var upload = (await files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = "resumed.txt", Size = Text.Length, Sha256 = Sha(Text) } })).Upload;
        await ChunkAsync(files, upload.Id, Text, 0, 50000);

        using var call = files.Upload();
        await call.RequestStream.WriteAsync(new UploadRequest { ResumeUploadId = upload.Id });
        for (var offset = 50000; offset < Text.Length; offset += 16384)
        {
            await call.RequestStream.WriteAsync(new UploadRequest { Chunk = new FileChunk { Offset = offset, Data = ByteString.CopyFrom(Text, offset, Math.Min(16384, Text.Length - offset)) } });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Assert.Equal(Sha(Text), response.File.Sha256);
        Assert.Equal(UploadState.Completed, response.Upload.State);
    }

    [Fact]
    public async Task Bad_chunks_are_refused_precisely_and_leave_the_upload_as_it_was()
    {
        var team = await fixture.TeamAsync("dee");
        var files = Files(team["dee"]);
        var upload = (await files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = "x.txt", Size = 1000 } })).Upload;
        var data = Encoding.ASCII.GetBytes(new string('a', 1000));
        await ChunkAsync(files, upload.Id, data, 0, 400);

        var checksum = await Assert.ThrowsAsync<RpcException>(() => files.UploadChunkAsync(new UploadChunkRequest
        {
            UploadId = upload.Id,
            Chunk = new FileChunk { Offset = 400, Data = ByteString.CopyFrom(data, 400, 100), Sha256 = Sha(Encoding.ASCII.GetBytes("something else")) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, checksum.StatusCode);
        Assert.Equal("CHECKSUM_MISMATCH", Info(checksum).Reason);
        Assert.Equal("400", Info(checksum).Metadata["resend_offset"]);

        var conflict = await Assert.ThrowsAsync<RpcException>(() => files.UploadChunkAsync(new UploadChunkRequest
        {
            UploadId = upload.Id,
            Chunk = new FileChunk { Offset = 300, Data = ByteString.CopyFrom(Encoding.ASCII.GetBytes(new string('b', 200))) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, conflict.StatusCode);
        Assert.Equal("CHUNK_CONFLICT", Info(conflict).Reason);

        var past = await Assert.ThrowsAsync<RpcException>(() => files.UploadChunkAsync(new UploadChunkRequest
        {
            UploadId = upload.Id,
            Chunk = new FileChunk { Offset = 900, Data = ByteString.CopyFrom(new byte[200]) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, past.StatusCode);
        Assert.Equal("chunk.offset", Assert.Single(Bad(past).FieldViolations).Field);

        var status = (await files.GetUploadStatusAsync(new GetUploadStatusRequest { UploadId = upload.Id })).Upload;
        Assert.Equal([(0L, 400L)], status.Committed.Select(r => (r.Offset, r.Length)));
    }

    [Theory]
    [InlineData("../../etc/passwd", "metadata.name")]
    [InlineData("a\u0000b.txt", "metadata.name")]
    [InlineData("evil\u202Etxt.exe", "metadata.name")]
    [InlineData("..", "metadata.name")]
    [InlineData("", "metadata.name")]
    public async Task Names_that_attack_the_file_system_are_refused(string name, string field)
    {
        var team = await fixture.TeamAsync("eve");
        var error = await Assert.ThrowsAsync<RpcException>(() => Files(team["eve"]).BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = name, Size = 10 } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(Bad(error).FieldViolations).Field);
    }

    [Fact]
    public async Task Size_limit_and_quota_are_refused_before_any_byte_is_sent()
    {
        var team = await fixture.TeamAsync("fay");
        var files = Files(team["fay"]);
        var large = await Assert.ThrowsAsync<RpcException>(() => files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = "huge.bin", Size = 2_000_001 } }).ResponseAsync);
        Assert.Equal("FILE_TOO_LARGE", Info(large).Reason);

        for (var i = 0; i < 2; i++)
        {
            await files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = $"part{i}.txt", Size = 2_000_000 } });
        }

        var quota = await Assert.ThrowsAsync<RpcException>(() => files.BeginUploadAsync(new BeginUploadRequest { Metadata = new UploadMetadata { Name = "one-more.txt", Size = 1_500_000 } }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, quota.StatusCode);
        Assert.Equal("QUOTA_EXCEEDED", Info(quota).Reason);
    }

    [Fact]
    public async Task A_type_that_lies_is_refused_at_completion()
    {
        var team = await fixture.TeamAsync("gus");
        var files = Files(team["gus"]);
        var error = await Assert.ThrowsAsync<RpcException>(() => UploadStreamAsync(files, "report.pdf", "application/pdf", Text, 8192));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("TYPE_MISMATCH", Info(error).Reason);
        Assert.Empty((await files.ListFilesAsync(new ListFilesRequest())).Files);
    }

    [Fact]
    public async Task Malware_is_quarantined_and_never_served()
    {
        var team = await fixture.TeamAsync("hal");
        var files = Files(team["hal"]);
        var infected = Encoding.ASCII.GetBytes("notes before\n").Concat(ClamdServer.EicarTestString()).Concat(Encoding.ASCII.GetBytes("\nnotes after\n")).ToArray();
        var stored = (await UploadStreamAsync(files, "innocent.txt", "text/plain", infected, 4096)).File;

        var file = await WaitAsync(files, stored.Id);
        Assert.Equal(FileState.Quarantined, file.State);
        Assert.Equal(ScanVerdict.Infected, file.Scan.Verdict);
        Assert.Equal(ClamdServer.EicarSignature, file.Scan.Signature);
        var refused = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(files, file.Id));
        Assert.Equal("FILE_NOT_SERVABLE", Info(refused).Reason);
    }

    [Fact]
    public async Task A_zip_bomb_is_rejected_not_expanded()
    {
        var team = await fixture.TeamAsync("ida");
        var files = Files(team["ida"]);
        var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1200; i++)
            {
                entry.Write(zeros);
            }
        }

        var stored = (await UploadStreamAsync(files, "photos.zip", "application/zip", bomb.ToArray(), 65536)).File;
        var file = await WaitAsync(files, stored.Id);
        Assert.Equal(FileState.Rejected, file.State);
        Assert.NotEmpty(file.Problem);
    }

    [Fact]
    public async Task Someone_else_cannot_see_a_personal_file_but_a_room_member_sees_a_shared_one()
    {
        var team = await fixture.TeamAsync("jo", "kim");
        var jo = Files(team["jo"]);
        var kim = Files(team["kim"]);
        var personal = (await UploadStreamAsync(jo, "mine.txt", "text/plain", Text, 65536)).File;
        var missing = await Assert.ThrowsAsync<RpcException>(() => kim.GetFileAsync(new GetFileRequest { FileId = personal.Id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var room = (await team["jo"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "shared", MemberIds = { team["kim"].Id } })).Room;
        var shared = (await UploadStreamAsync(jo, "ours.txt", "text/plain", Text, 65536, room.Id)).File;
        Assert.Equal(shared.Id, (await kim.GetFileAsync(new GetFileRequest { FileId = shared.Id })).File.Id);
        Assert.Equal([shared.Id], (await kim.ListFilesAsync(new ListFilesRequest { RoomId = room.Id })).Files.Select(f => f.Id));

        var denied = await Assert.ThrowsAsync<RpcException>(() => kim.DeleteFileAsync(new DeleteFileRequest { FileId = shared.Id }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        await jo.DeleteFileAsync(new DeleteFileRequest { FileId = shared.Id });
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => jo.GetFileAsync(new GetFileRequest { FileId = shared.Id }).ResponseAsync)).StatusCode);
    }

    [Fact]
    public async Task A_message_attaches_only_files_shared_in_its_room_and_its_readers_can_open_them()
    {
        var team = await fixture.TeamAsync("lu", "max");
        var lu = Files(team["lu"]);
        var room = (await team["lu"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "plans", MemberIds = { team["max"].Id } })).Room;
        var other = (await team["lu"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "elsewhere" })).Room;
        var shared = (await UploadStreamAsync(lu, "plan.txt", "text/plain", Text, 65536, room.Id)).File;
        var personal = (await UploadStreamAsync(lu, "diary.txt", "text/plain", Text, 65536)).File;
        var elsewhere = (await UploadStreamAsync(lu, "other.txt", "text/plain", Text, 65536, other.Id)).File;
        var chat = new ChatServiceClient(fixture.Server.Channel(team["lu"].Token));

        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Attachments = { new Attachment { FileId = shared.Id } } })).Message;
        Assert.Equal(("plan.txt", shared.Id), (Assert.Single(sent.Attachments).Name, sent.Attachments[0].FileId));

        foreach (var refused in new[] { personal.Id, elsewhere.Id, "0199a0a0a0a0a0a0a0a0a0a0a0a0a0a0" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => chat.SendMessageAsync(new SendMessageRequest
            {
                RoomId = room.Id,
                Text = "see attached",
                Attachments = { new Attachment { FileId = shared.Id, Name = "ok.txt" }, new Attachment { FileId = refused } },
            }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("attachments[1].file_id", Assert.Single(Bad(error).FieldViolations).Field);
        }

        Assert.Single((await chat.ListMessagesAsync(new ListMessagesRequest { RoomId = room.Id })).Messages, m => m.Attachments.Count > 0);
        var max = Files(team["max"]);
        Assert.Equal(FileState.Ready, (await WaitAsync(max, sent.Attachments[0].FileId)).State);
        Assert.Equal(Text, await DownloadAsync(max, sent.Attachments[0].FileId));
    }

    private FileServiceClient Files(Person person) => new(fixture.Server.Channel(person.Token));

    private static ErrorInfo Info(RpcException error) => error.GetDetail<ErrorInfo>()!;

    private static BadRequest Bad(RpcException error) => error.GetDetail<BadRequest>()!;
}
