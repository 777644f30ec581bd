using Atom.Cli.Files;

namespace Atom.Cli.Tests.Files;

public sealed class NewFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("atom-newfile-").FullName;

    [Fact]
    public async Task A_file_appears_whole_under_its_name_and_nothing_else_is_left()
    {
        var path = Path.Combine(_directory, "speech.wav");

        await NewFile.WriteAsync(path, force: false, output => output.WriteAsync("RIFF"u8.ToArray()).AsTask(), "testing");

        Assert.Equal("RIFF"u8.ToArray(), await File.ReadAllBytesAsync(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task An_existing_file_is_kept_unless_forced()
    {
        var path = Path.Combine(_directory, "speech.wav");
        await File.WriteAllTextAsync(path, "mine");

        var error = await Assert.ThrowsAsync<UsageException>(() => NewFile.WriteAsync(path, force: false, _ => Task.CompletedTask, "testing"));
        Assert.Contains("--force", error.Message);
        Assert.Equal("mine", await File.ReadAllTextAsync(path));

        await NewFile.WriteAsync(path, force: true, output => output.WriteAsync("new"u8.ToArray()).AsTask(), "testing");
        Assert.Equal("new", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_file_at_all()
    {
        var path = Path.Combine(_directory, "speech.wav");

        await Assert.ThrowsAsync<IOException>(() => NewFile.WriteAsync(path, force: false, async output =>
        {
            await output.WriteAsync("half"u8.ToArray());
            throw new IOException("the stream broke");
        }, "testing"));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
