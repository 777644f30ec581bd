using Atom.Cli.Files;

namespace Atom.Cli.Tests.Files;

public sealed class UploadJournalTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "atom-journal-" + Guid.NewGuid().ToString("N"));

    private UploadJournal Journal => new(Path.Combine(_root, "atom", "uploads"));

    [Fact]
    public void A_remembered_upload_is_found_by_the_same_key_in_a_private_file_and_forgotten()
    {
        var journal = Journal;
        var pending = Pending(Key("/data/a.pdf"), "upload-1");

        journal.Remember(pending);
        var found = journal.Find(Key("/data/a.pdf"));
        var mode = File.GetUnixFileMode(journal.PathFor(pending.Key));
        var directoryMode = File.GetUnixFileMode(journal.Directory);
        journal.Forget(pending.Key);

        Assert.Equal(pending, found);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, directoryMode);
        Assert.Null(journal.Find(pending.Key));
        Assert.Empty(Directory.GetFiles(journal.Directory));
    }

    [Fact]
    public void Another_server_size_checksum_room_folder_or_type_is_another_upload()
    {
        var journal = Journal;
        var key = Key("/data/a.pdf");
        journal.Remember(Pending(key, "upload-1"));

        foreach (var other in new[]
        {
            key with { Server = "http://127.0.0.1:7401" },
            key with { Path = "/data/b.pdf" },
            key with { Size = 11 },
            key with { Sha256 = new string('b', 64) },
            key with { RoomId = "room" },
            key with { Folder = "reports" },
            key with { DeclaredType = "application/pdf" },
        })
        {
            Assert.Null(journal.Find(other));
        }

        Assert.NotNull(journal.Find(key));
    }

    [Fact]
    public void Pruning_forgets_expired_and_unreadable_entries_and_keeps_the_rest()
    {
        var journal = Journal;
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        journal.Remember(Pending(Key("/data/live.pdf"), "live") with { ExpireTime = now.AddHours(1) });
        journal.Remember(Pending(Key("/data/old.pdf"), "old") with { ExpireTime = now.AddHours(-1) });
        File.WriteAllText(Path.Combine(journal.Directory, "damaged.json"), "{ not json");

        journal.Prune(now);

        Assert.NotNull(journal.Find(Key("/data/live.pdf")));
        Assert.Null(journal.Find(Key("/data/old.pdf")));
        Assert.Single(Directory.GetFiles(journal.Directory));
    }

    [Fact]
    public void A_damaged_entry_or_a_missing_directory_means_nothing_is_remembered()
    {
        var journal = Journal;
        journal.Forget(Key("/data/a.pdf"));
        journal.Prune(DateTimeOffset.UtcNow);
        Assert.Null(journal.Find(Key("/data/a.pdf")));

        journal.Remember(Pending(Key("/data/a.pdf"), "upload-1"));
        File.WriteAllText(journal.PathFor(Key("/data/a.pdf")), "{ not json");

        Assert.Null(journal.Find(Key("/data/a.pdf")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static UploadKey Key(string path) => new("http://127.0.0.1:7400", path, 10, new string('a', 64), string.Empty, string.Empty, string.Empty);

    private static PendingUpload Pending(UploadKey key, string uploadId) =>
        new() { Key = key, UploadId = uploadId, BeginTime = new DateTimeOffset(2026, 11, 22, 11, 0, 0, TimeSpan.Zero) };
}
