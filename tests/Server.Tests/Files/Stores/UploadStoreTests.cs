using Atom.Server.Files;
using Atom.Server.Files.Stores;
using Atom.Server.Tests.Storage;
using Dapper;

namespace Atom.Server.Tests.Files.Stores;

/// <summary>The upload store against both engines, where they differ: concurrency.</summary>
public sealed class UploadStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Retries_of_one_request_racing_each_other_all_get_the_one_upload(string provider)
    {
        await using var database = await StoreProvider.CreateMigratedAsync(provider);
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('t', 't', 'team', 'Team', 0)", transaction: t));
        var store = new UploadStore(database, TimeProvider.System);
        var request = new UploadSession("t", string.Empty, "ann", "request-1", "a.txt", "text/plain", 100, string.Empty, string.Empty, string.Empty,
            UploadStatus.Open, [], null, default, default);

        var begun = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.BeginAsync(request, quotaBytes: 1_000_000, TimeSpan.FromHours(1)))));

        Assert.Single(begun.Select(u => u.Id).Distinct());
        Assert.Equal(1, await database.InTenantAsync("t", (c, t) => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM uploads", transaction: t)));
    }
}
