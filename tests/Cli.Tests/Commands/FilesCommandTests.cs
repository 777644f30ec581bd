using System.Text;
using Atom.Cli.Tests.Infrastructure;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary><c>atom files ls|show|get|rm</c> against a real server, on files uploaded with <c>atom upload</c>.</summary>
[Collection(FilesCliServerCollection.Name)]
public sealed class FilesCommandTests(FilesCliServer server)
{
    private static readonly byte[] Report = FilesUser.Pdf("Quarterly report", "Revenue grew by forty percent");

    [Fact]
    public async Task Files_are_listed_newest_first_and_filtered_by_kind_type_state_and_time()
    {
        using var ann = await FilesUser.CreateAsync(server, "ann");
        var (notesId, reportId) = await UploadBothAsync(ann);

        var all = await ann.RunAsync("files", "ls", "-o", "json");
        var documents = await ann.RunAsync("files", "ls", "--type", "document", "-o", "json");
        var plain = await ann.RunAsync("files", "ls", "--type", "text/plain", "-o", "json");
        var ready = await ann.RunAsync("files", "ls", "--status", "READY", "-o", "json");
        var quarantined = await ann.RunAsync("files", "ls", "--status", "quarantined", "-o", "json");
        var recent = await ann.RunAsync("files", "ls", "--since", "1h", "-o", "json");
        var future = await ann.RunAsync("files", "ls", "--since", "2999-01-01");
        var first = await ann.RunAsync("files", "ls", "--limit", "1", "-o", "json");
        var table = await ann.RunAsync("files", "ls");
        var nonsense = await ann.RunAsync("files", "ls", "--type", "spreadsheets");

        Assert.Equal([reportId, notesId], Ids(all));
        Assert.Equal([reportId], Ids(documents));
        Assert.Equal([notesId], Ids(plain));
        Assert.Equal([reportId, notesId], Ids(ready));
        Assert.Empty(Ids(quarantined));
        Assert.Equal([reportId, notesId], Ids(recent));
        Assert.True(future.ExitCode == 2, future.ToString());
        Assert.Contains("--since '2999-01-01' is in the future.", future.Stderr);
        Assert.Equal([reportId], Ids(first));
        Assert.NotEqual(string.Empty, first.Json().GetProperty("nextPageToken").GetString());
        Assert.True(table.ExitCode == 0, table.ToString());
        foreach (var text in new[] { "ID", "Size", "Status", reportId, "report.pdf", "PDF", "notes.txt", "Text", "ready" })
        {
            Assert.Contains(text, table.Stdout);
        }

        Assert.True(nonsense.ExitCode == 2, nonsense.ToString());
        Assert.Contains("--type 'spreadsheets' is neither a kind of file", nonsense.Stderr);
    }

    [Fact]
    public async Task A_file_downloads_byte_for_byte_and_replaces_nothing_without_force()
    {
        using var bob = await FilesUser.CreateAsync(server, "bob");
        var (notesId, reportId) = await UploadBothAsync(bob);
        Directory.CreateDirectory(bob.Directory.Combine("downloads"));
        File.WriteAllText(bob.Directory.Combine("report.pdf"), "an older report");

        var intoDirectory = await bob.RunAsync("files", "get", reportId, "-O", "downloads");
        var refused = await bob.RunAsync("files", "get", reportId);
        var keptAfterRefusal = File.ReadAllText(bob.Directory.Combine("report.pdf"));
        var forced = await bob.RunAsync("files", "get", "report.pdf", "--force", "-o", "json");
        var named = await bob.RunAsync("files", "get", notesId, "-O", "downloads/renamed.txt");
        var toStdout = await bob.RunAsync("files", "get", notesId, "-O", "-");

        Assert.True(intoDirectory.ExitCode == 0, intoDirectory.ToString());
        Assert.Contains("SHA-256 checked", intoDirectory.Stdout);
        Assert.Equal(Report, File.ReadAllBytes(bob.Directory.Combine("downloads/report.pdf")));
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("report.pdf exists: pass --force to overwrite it.", refused.Stderr);
        Assert.Equal("an older report", keptAfterRefusal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(bob.Directory.Combine("report.pdf"), forced.Json().GetProperty("path").GetString());
        Assert.Equal(reportId, forced.Json().GetProperty("file").GetProperty("id").GetString());
        Assert.Equal(Report, File.ReadAllBytes(bob.Directory.Combine("report.pdf")));
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(FilesUser.Text(), File.ReadAllBytes(bob.Directory.Combine("downloads/renamed.txt")));
        Assert.True(toStdout.ExitCode == 0, toStdout.ToString());
        Assert.Equal(Encoding.UTF8.GetString(FilesUser.Text()), toStdout.Stdout);
        Assert.Empty(Directory.GetFiles(bob.Directory.Path, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_file_is_shown_by_id_or_name_and_deleted_for_good()
    {
        using var cy = await FilesUser.CreateAsync(server, "cy");
        var (_, reportId) = await UploadBothAsync(cy);

        var shown = await cy.RunAsync("files", "show", "report.pdf");
        var removed = await cy.RunAsync("files", "rm", "report.pdf");
        var gone = await cy.RunAsync("files", "show", reportId);
        var goneByName = await cy.RunAsync("files", "get", "report.pdf");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        foreach (var text in new[] { reportId, "PDF (application/pdf)", "ready", "clean (ClamAV", "pages", "Revenue grew by forty percent" })
        {
            Assert.Contains(text, shown.Stdout);
        }

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains($"Deleted file report.pdf ({reportId}).", removed.Stdout);
        Assert.True(gone.ExitCode == 1, gone.ToString());
        Assert.Contains("error: NOT_FOUND: ", gone.Stderr);
        Assert.True(goneByName.ExitCode == 1, goneByName.ToString());
        Assert.Contains("no file of yours is named 'report.pdf'", goneByName.Stderr);
    }

    [Fact]
    public async Task A_name_two_files_share_must_be_given_as_an_id()
    {
        using var dee = await FilesUser.CreateAsync(server, "dee");
        dee.File("twice.txt", FilesUser.Text(lines: 10));
        var upload = await dee.RunAsync("upload", "twice.txt", "--no-wait");
        var again = await dee.RunAsync("upload", "twice.txt", "--no-wait", "--folder", "copies");

        var ambiguous = await dee.RunAsync("files", "show", "twice.txt");
        var byFolder = await dee.RunAsync("files", "show", "copies/twice.txt", "-o", "json");

        Assert.True(upload.ExitCode == 0 && again.ExitCode == 0, upload + "\n" + again);
        Assert.True(ambiguous.ExitCode == 2, ambiguous.ToString());
        Assert.Contains("2 files are named 'twice.txt'", ambiguous.Stderr);
        Assert.Equal("copies", byFolder.Json().GetProperty("file").GetProperty("folder").GetString());
    }

    [Fact]
    public async Task A_quarantined_file_is_never_downloaded_and_others_do_not_see_your_files()
    {
        using var eve = await FilesUser.CreateAsync(server, "eve");
        using var fay = await FilesUser.CreateAsync(server, "fay");
        eve.File("eicar.txt", ClamdServer.EicarTestString());
        var upload = await eve.RunAsync("upload", "eicar.txt", "-o", "json");
        var id = Assert.Single(FilesUser.Lines(upload)).GetProperty("id").GetString()!;

        var get = await eve.RunAsync("files", "get", id, "-O", "saved.txt");
        var someoneElse = await fay.RunAsync("files", "show", id);
        var theirList = await fay.RunAsync("files", "ls", "--owner", eve.User.Email);

        Assert.True(upload.ExitCode == 5, upload.ToString());
        Assert.True(get.ExitCode == 1, get.ToString());
        Assert.Contains("reason: FILE_NOT_SERVABLE", get.Stderr);
        Assert.False(File.Exists(eve.Directory.Combine("saved.txt")));
        Assert.True(someoneElse.ExitCode == 1, someoneElse.ToString());
        Assert.Contains("NOT_FOUND", someoneElse.Stderr);
        Assert.True(theirList.ExitCode == 1, theirList.ToString());
        Assert.Contains("PERMISSION_DENIED", theirList.Stderr);
    }

    private static async Task<(string NotesId, string ReportId)> UploadBothAsync(FilesUser user)
    {
        user.File("notes.txt", FilesUser.Text());
        user.File("report.pdf", Report);
        var upload = await user.RunAsync("upload", "notes.txt", "report.pdf", "-o", "json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var files = FilesUser.Lines(upload);
        return (files[0].GetProperty("id").GetString()!, files[1].GetProperty("id").GetString()!);
    }

    private static string[] Ids(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. result.Json().GetProperty("files").EnumerateArray().Select(f => f.GetProperty("id").GetString()!)];
    }
}
