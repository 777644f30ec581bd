using Atom.Cli.Profiles;

namespace Atom.Cli.Tests.Profiles;

public sealed class ProfileStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "atom-profiles-" + Guid.NewGuid().ToString("N"));

    private ProfileStore Store => new(Path.Combine(_root, "atom", "profiles"));

    [Theory]
    [InlineData("http://127.0.0.1:7400", "http://127.0.0.1:7400")]
    [InlineData("HTTP://LocalHost:7400/", "http://localhost:7400")]
    [InlineData("http://atom.example.com", "http://atom.example.com:80")]
    [InlineData("https://atom.example.com/grpc/", "https://atom.example.com:443/grpc")]
    public void Server_addresses_are_spelled_one_way(string server, string normalized) =>
        Assert.Equal(normalized, ProfileStore.NormalizeServer(server));

    [Fact]
    public void Each_server_has_its_own_file_and_equal_addresses_share_one()
    {
        var store = Store;

        Assert.Equal(store.PathFor("http://127.0.0.1:7400"), store.PathFor("HTTP://127.0.0.1:7400/"));
        Assert.NotEqual(store.PathFor("http://127.0.0.1:7400"), store.PathFor("https://127.0.0.1:7400"));
        Assert.NotEqual(store.PathFor("http://127.0.0.1:7400"), store.PathFor("http://127.0.0.1:7401"));
        Assert.StartsWith("127.0.0.1_7400-", Path.GetFileName(store.PathFor("http://127.0.0.1:7400")));
    }

    [Fact]
    public void A_saved_profile_loads_back_from_a_private_file()
    {
        var store = Store;
        var profile = Profile("http://127.0.0.1:7400") with
        {
            TokenExpireTime = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
            RefreshToken = "refresh",
        };

        store.Save(profile);
        var loaded = store.Load("http://127.0.0.1:7400/");

        Assert.Equal(profile, loaded);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathFor(profile.Server)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Directory));
        Assert.Single(Directory.GetFiles(store.Directory));
    }

    [Fact]
    public void Saving_makes_a_loose_directory_private()
    {
        var store = Store;
        Directory.CreateDirectory(store.Directory);
        File.SetUnixFileMode(store.Directory, (UnixFileMode)0b111_101_101);

        store.Save(Profile("http://127.0.0.1:7400"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Directory));
    }

    [Fact]
    public void A_missing_profile_is_null_and_deleting_it_says_so()
    {
        var store = Store;

        Assert.Null(store.Load("http://127.0.0.1:7400"));
        Assert.False(store.Delete("http://127.0.0.1:7400"));
        store.Save(Profile("http://127.0.0.1:7400"));
        Assert.True(store.Delete("http://127.0.0.1:7400"));
        Assert.Null(store.Load("http://127.0.0.1:7400"));
    }

    [Fact]
    public void A_damaged_profile_is_a_usage_error_naming_the_file()
    {
        var store = Store;
        store.Save(Profile("http://127.0.0.1:7400"));
        File.WriteAllText(store.PathFor("http://127.0.0.1:7400"), "{ not json");

        var error = Assert.Throws<UsageException>(() => store.Load("http://127.0.0.1:7400"));

        Assert.Contains(store.PathFor("http://127.0.0.1:7400"), error.Message);
    }

    [Fact]
    public async Task The_lock_is_exclusive_until_released()
    {
        var store = Store;
        var held = await store.LockAsync("http://127.0.0.1:7400", CancellationToken.None);
        var second = store.LockAsync("http://127.0.0.1:7400", CancellationToken.None);
        await Task.Delay(200);
        Assert.False(second.IsCompleted);

        held.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ServerProfile Profile(string server) => new()
    {
        Server = ProfileStore.NormalizeServer(server),
        Kind = ProfileCredentialKind.Session,
        Token = "access",
        Email = "a@example.com",
        UpdateTime = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero),
    };
}
