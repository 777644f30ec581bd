using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;
using Atom.Cli.Tests.TestObjects;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Tests.Commands;

/// <summary>
/// <c>atom upload</c> against a real server with a real clamd: text and PDF read into text, resuming an upload an
/// earlier run began (and one interrupted with Ctrl+C), retrying through a server restart, and the ways it refuses.
/// </summary>
[Collection(FilesCliServerCollection.Name)]
public sealed class UploadCommandTests(FilesCliServer server)
{
    [Fact]
    public async Task A_text_file_and_a_pdf_are_uploaded_scanned_and_read_into_text()
    {
        using var ann = await FilesUser.CreateAsync(server, "ann");
        var text = FilesUser.Text();
        var pdf = FilesUser.Pdf("Quarterly report", "Revenue grew by forty percent");
        ann.File("notes.txt", text);
        ann.File("report.pdf", pdf);

        var upload = await ann.RunAsync("upload", "notes.txt", "report.pdf", "-o", "json");
        var uploaded = FilesUser.Lines(upload);
        var notesId = uploaded[0].GetProperty("id").GetString()!;
        var reportId = uploaded[1].GetProperty("id").GetString()!;
        var notes = (await ann.RunAsync("files", "show", notesId, "-o", "json")).Json().GetProperty("file");
        var report = (await ann.RunAsync("files", "show", reportId, "-o", "json")).Json().GetProperty("file");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal(["notes.txt", "report.pdf"], uploaded.Select(f => f.GetProperty("name").GetString()));
        Assert.All(uploaded, f => Assert.Equal("FILE_STATE_READY", f.GetProperty("state").GetString()));
        Assert.Equal(FilesUser.Sha256(text), uploaded[0].GetProperty("sha256").GetString());
        Assert.Equal(FilesUser.Sha256(pdf), uploaded[1].GetProperty("sha256").GetString());
        Assert.Equal("FILE_STATE_READY", notes.GetProperty("state").GetString());
        Assert.Equal("text/plain", notes.GetProperty("mediaType").GetString());
        Assert.Contains("line 4999: the quick brown fox", notes.GetProperty("text").GetString());
        Assert.Equal("FILE_STATE_READY", report.GetProperty("state").GetString());
        Assert.Equal("application/pdf", report.GetProperty("mediaType").GetString());
        Assert.Equal("PDF", report.GetProperty("typeLabel").GetString());
        Assert.Equal("SCAN_VERDICT_CLEAN", report.GetProperty("scan").GetProperty("verdict").GetString());
        Assert.Equal("1", report.GetProperty("metadata").GetProperty("pages").GetString());
        Assert.Contains("Revenue grew by forty percent", report.GetProperty("text").GetString());
        Assert.Empty(ann.JournalEntries());
    }

    [Fact]
    public async Task People_get_a_line_per_file_saying_what_processing_made_of_it()
    {
        using var bob = await FilesUser.CreateAsync(server, "bob");
        bob.File("notes.txt", FilesUser.Text(lines: 100));

        var result = await bob.RunAsync("upload", "notes.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdoutLines);
        Assert.Matches(@"^Uploaded notes\.txt \([0-9.]+ kB\) as file [0-9a-f]{32}: ready, Text \(text/plain\), [0-9,]+ characters of text\.$", line);
    }

    [Fact]
    public async Task An_upload_an_earlier_run_began_resumes_from_the_bytes_the_server_has()
    {
        using var cy = await FilesUser.CreateAsync(server, "cy");
        var data = FilesUser.Text(lines: 60000);
        cy.File("big.txt", data);
        var begun = await cy.BeginPartAsync("big.txt", sent: 1_000_000);
        cy.Remember("big.txt", begun.Id);

        var result = await cy.RunAsync("upload", "big.txt", "-o", "json");
        var after = (await cy.Files().GetUploadStatusAsync(new GetUploadStatusRequest { UploadId = begun.Id })).Upload;

        var file = Stored(result, data, cy);
        Assert.Contains($"resuming big.txt at 1.0 MB of {Display.Bytes(data.Length)}", result.Stderr);
        Assert.Equal(UploadState.Completed, after.State);
        Assert.Equal(file.GetProperty("id").GetString(), after.FileId);
    }

    [Fact]
    public async Task An_upload_interrupted_with_ctrl_c_is_remembered_and_resumed_by_the_same_command()
    {
        using var dee = await FilesUser.CreateAsync(server, "dee");
        var data = FilesUser.Text(lines: 40000);
        dee.File("held.txt", data);
        server.Gate.Close();
        try
        {
            await using var first = dee.Start("upload", "held.txt");
            var entry = await JournalEntryAsync(dee);
            var uploadId = JsonDocument.Parse(File.ReadAllBytes(entry)).RootElement.GetProperty("upload_id").GetString()!;

            // The bytes that had arrived when Ctrl+C came: sent through the SDK while the CLI's stream is held.
            await dee.Files().UploadChunkAsync(new UploadChunkRequest
            {
                UploadId = uploadId,
                Chunk = new FileChunk { Offset = 0, Data = ByteString.CopyFrom(data, 0, 500_000) },
            });
            var interrupted = await first.InterruptAsync();

            Assert.Equal(130, interrupted);
            Assert.Contains("hint: run the same command again to resume the upload of held.txt", first.Stderr);
            Assert.Equal(entry, Assert.Single(dee.JournalEntries()));
        }
        finally
        {
            server.Gate.Open();
        }

        var again = await dee.RunAsync("upload", "held.txt", "-o", "json");

        Stored(again, data, dee);
        Assert.Contains($"resuming held.txt at 500 kB of {Display.Bytes(data.Length)}", again.Stderr);
    }

    [Fact]
    public async Task A_remembered_upload_the_server_no_longer_has_starts_over()
    {
        using var eve = await FilesUser.CreateAsync(server, "eve");
        var data = FilesUser.Text(lines: 3000);
        eve.File("gone.txt", data);
        var cancelled = await eve.BeginPartAsync("gone.txt", sent: 10_000);
        await eve.Files().CancelUploadAsync(new CancelUploadRequest { UploadId = cancelled.Id });
        eve.Remember("gone.txt", cancelled.Id);

        var result = await eve.RunAsync("upload", "gone.txt", "-o", "json");

        Stored(result, data, eve);
        Assert.Contains("the upload of gone.txt begun earlier has expired or was cancelled on the server; starting over", result.Stderr);
    }

    [Fact]
    public async Task An_upload_keeps_going_through_a_server_restart()
    {
        using var fay = await FilesUser.CreateAsync(server, "fay");
        var data = FilesUser.Text(lines: 8000);
        fay.File("restart.txt", data);
        server.Gate.Close();
        await using var cli = fay.Start("upload", "restart.txt", "-o", "json");
        try
        {
            await JournalEntryAsync(fay);
            await server.StopAsync();
            await cli.StderrAsync("warning: restart.txt: ");
        }
        finally
        {
            server.Gate.Open();
            await server.StartAgainAsync();
        }

        var exitCode = await cli.ExitAsync();

        Assert.True(exitCode == 0, cli.Stderr);
        Assert.Contains("retrying in", cli.Stderr);
        Assert.Equal(FilesUser.Sha256(data), JsonDocument.Parse(Assert.Single(cli.Seen)).RootElement.GetProperty("sha256").GetString());
        Assert.Empty(fay.JournalEntries());
    }

    [Fact]
    public async Task A_chunk_damaged_on_the_way_is_sent_again()
    {
        using var max = await FilesUser.CreateAsync(server, "max");
        var marker = "DAMAGE-THIS-ONCE"u8.ToArray();
        var data = FilesUser.Text(lines: 2000).Concat(marker).Concat(FilesUser.Text(lines: 2000)).ToArray();
        max.File("fragile.txt", data);
        await using var proxy = new CorruptingProxy(server.Address, marker);

        var result = await max.RunViaAsync(proxy.Address, "upload", "fragile.txt", "-o", "json");

        Stored(result, data, max);
        Assert.True(proxy.Corrupted);
        Assert.Matches(@"warning: fragile\.txt: the server got the bytes at offset [0-9]+ damaged; sending them again \(1 of 3\)", result.Stderr);
    }

    [Fact]
    public async Task A_file_that_changes_while_it_uploads_is_refused_and_not_left_to_resume()
    {
        using var ned = await FilesUser.CreateAsync(server, "ned");
        var data = FilesUser.Text(lines: 100_000);
        var path = ned.File("moving.txt", data);
        server.Gate.Close();
        try
        {
            await using var cli = ned.Start("upload", "moving.txt");
            await JournalEntryAsync(ned);

            // The end of a file this size is still to be read when the stream is held: what goes is not what was hashed.
            // One byte, written in place: rewriting the whole file would truncate it first, and a read in that moment
            // sees a file that shrank rather than one that changed.
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                file.Position = data.Length - 2;
                file.WriteByte((byte)'!');
            }

            server.Gate.Open();
            var exitCode = await cli.ExitAsync();

            Assert.True(exitCode == 1, cli.Stderr);
            Assert.Contains("moving.txt changed while it was being uploaded", cli.Stderr);
            Assert.Contains("reason: CHECKSUM_MISMATCH", cli.Stderr);
            Assert.DoesNotContain("run the same command again", cli.Stderr);
            Assert.DoesNotContain("sending them again", cli.Stderr);
            Assert.Empty(ned.JournalEntries());
        }
        finally
        {
            server.Gate.Open();
        }
    }

    [Fact]
    public async Task Malware_is_stored_quarantined_and_reported_with_its_own_exit_code()
    {
        using var gus = await FilesUser.CreateAsync(server, "gus");
        gus.File("eicar.txt", ClamdServer.EicarTestString());

        var result = await gus.RunAsync("upload", "eicar.txt");

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains($"quarantined: {ClamdServer.EicarSignature}", result.Stdout);
    }

    [Fact]
    public async Task No_wait_returns_once_the_bytes_are_stored()
    {
        using var hal = await FilesUser.CreateAsync(server, "hal");
        hal.File("quick.txt", FilesUser.Text(lines: 10));

        var result = await hal.RunAsync("upload", "quick.txt", "--no-wait");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("it is being processed (atom files show ", result.Stdout);
    }

    [Fact]
    public async Task Files_go_into_a_room_and_a_folder_with_a_declared_type()
    {
        using var ida = await FilesUser.CreateAsync(server, "ida");
        var room = await server.CreateRoomAsync("files");
        await server.AddMemberAsync(room, ida.User, RoomRole.Member);
        ida.File("shared.txt", FilesUser.Text(lines: 10));

        var result = await ida.RunAsync("upload", "shared.txt", "--room", room.Name, "--folder", "notes/2026", "--type", "text/plain", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(FilesUser.Lines(result));
        Assert.Equal(room.Id, file.GetProperty("roomId").GetString());
        Assert.Equal("notes/2026", file.GetProperty("folder").GetString());
        Assert.Equal("text/plain", file.GetProperty("declaredType").GetString());
    }

    [Fact]
    public async Task Missing_files_and_directories_are_refused_before_any_call()
    {
        using var jo = await FilesUser.CreateAsync(server, "jo");
        jo.File("fine.txt", FilesUser.Text(lines: 10));
        Directory.CreateDirectory(jo.Directory.Combine("photos"));

        var missing = await jo.RunAsync("upload", "fine.txt", "nowhere.txt");
        var directory = await jo.RunAsync("upload", "photos");
        var unreachable = await AtomCli.RunAsync(["--server", "http://127.0.0.1:1", "upload", "nowhere.txt"], workingDirectory: jo.Directory.Path);
        var listed = await jo.RunAsync("files", "ls", "-o", "json");

        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("error: nowhere.txt: no such file.", missing.Stderr);
        Assert.True(directory.ExitCode == 2, directory.ToString());
        Assert.Contains("error: photos is a directory", directory.Stderr);
        Assert.True(unreachable.ExitCode == 2, unreachable.ToString());
        Assert.True(listed.Json().GetProperty("files").GetArrayLength() == 0, "fine.txt was uploaded although another path was missing: " + listed.Stdout);
    }

    [Fact]
    public async Task A_file_too_large_is_refused_naming_the_limit_and_the_others_still_go()
    {
        using var kim = await FilesUser.CreateAsync(server, "kim");
        kim.File("huge.txt", new byte[FilesCliServer.MaxFileBytes + 1]);
        kim.File("small.txt", FilesUser.Text(lines: 10));

        var result = await kim.RunAsync("upload", "huge.txt", "small.txt");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: huge.txt: INVALID_ARGUMENT: ", result.Stderr);
        Assert.Contains("reason: FILE_TOO_LARGE", result.Stderr);
        Assert.Contains($"limit_bytes: {FilesCliServer.MaxFileBytes}", result.Stderr);
        Assert.Contains("hint: this server takes files of at most 6.0 MB.", result.Stderr);
        Assert.Contains("Uploaded small.txt", result.Stdout);
        Assert.DoesNotContain("huge.txt", result.Stdout);
        Assert.Empty(kim.JournalEntries());
    }

    [Fact]
    public async Task A_file_the_server_refuses_at_completion_is_not_left_to_resume()
    {
        using var lou = await FilesUser.CreateAsync(server, "lou");
        lou.File("liar.pdf", FilesUser.Text(lines: 10));

        var result = await lou.RunAsync("upload", "liar.pdf", "--type", "application/pdf");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("reason: TYPE_MISMATCH", result.Stderr);
        Assert.DoesNotContain("resume", result.Stderr);
        Assert.Empty(lou.JournalEntries());
    }

    /// <summary>Checks that a run with --output json stored one file with these bytes and left nothing to resume.</summary>
    private static JsonElement Stored(CliResult result, byte[] data, FilesUser user)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(FilesUser.Lines(result));
        Assert.Equal(FilesUser.Sha256(data), file.GetProperty("sha256").GetString());
        Assert.Empty(user.JournalEntries());
        return file;
    }

    private static async Task<string> JournalEntryAsync(FilesUser user)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (user.JournalEntries() is [var entry])
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < until, "The CLI never remembered its upload.");
            await Task.Delay(20);
        }
    }
}
