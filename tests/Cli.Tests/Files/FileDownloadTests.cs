using Atom.Cli.Files;
using Atom.V1;

namespace Atom.Cli.Tests.Files;

public sealed class FileDownloadTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("Quarterly report (final).pdf", "Quarterly report (final).pdf")]
    [InlineData(".bashrc", "_bashrc")]
    [InlineData("..", "file-0123")]
    [InlineData("../../etc/passwd", "__.._etc_passwd")]
    [InlineData("a\\b", "a_b")]
    [InlineData("bell\u0007\u202Eexe.txt", "bell__exe.txt")]
    [InlineData("  ", "file-0123")]
    public void A_name_is_made_safe_to_create_here(string name, string safe) =>
        Assert.Equal(safe, FileDownload.SafeName(new StoredFile { Id = "0123", Name = name }));

    [Fact]
    public void A_file_is_saved_under_its_name_here_or_in_a_directory_given_or_at_the_path_given()
    {
        var file = new StoredFile { Id = "0123", Name = "report.pdf" };
        var temp = Path.GetTempPath();

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "report.pdf"), FileDownload.Destination(file, null));
        Assert.Equal(Path.Combine(Path.GetFullPath(temp), "report.pdf"), FileDownload.Destination(file, temp));
        Assert.Equal(Path.Combine(Path.GetFullPath(temp), "other.pdf"), FileDownload.Destination(file, Path.Combine(temp, "other.pdf")));
        Assert.Contains("no such directory", Assert.Throws<UsageException>(() => FileDownload.Destination(file, "/no/such/dir/x.pdf")).Message);
        Assert.Contains("no such directory", Assert.Throws<UsageException>(() => FileDownload.Destination(file, Path.Combine(temp, "nowhere-" + Guid.NewGuid().ToString("N")) + "/")).Message);
    }
}
