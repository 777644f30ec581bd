using Atom.Server.Search;
using Atom.Server.Search.History;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using Atom.Server.Tests.Identity;

namespace Atom.Server.Tests.Search.History;

/// <summary>Search history on both engines: one entry per query however it is typed, newest first, capped, per user, opt-out.</summary>
public sealed class SearchHistoryStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_same_query_typed_again_is_one_entry_searched_once_more_and_the_newest_comes_first(string provider)
    {
        var (store, clock) = await CreateAsync(provider);
        Assert.True(await store.RecordAsync("a", "ann", "Budget  2026", RetrievalMode.Hybrid));
        clock.Advance(TimeSpan.FromSeconds(1));
        await store.RecordAsync("a", "ann", "roadmap", RetrievalMode.Keyword);
        clock.Advance(TimeSpan.FromSeconds(1));
        await store.RecordAsync("a", "ann", "budget 2026", RetrievalMode.Semantic);
        await store.RecordAsync("a", "bob", "budget 2026", RetrievalMode.Hybrid);
        await store.RecordAsync("b", "ann", "other tenant", RetrievalMode.Hybrid);

        var page = await store.ListAsync("a", "ann", new PageRequest(10));
        Assert.Equal([("budget 2026", 2, RetrievalMode.Semantic), ("roadmap", 1, RetrievalMode.Keyword)], page.Items.Select(e => (e.Query, e.Count, e.Mode)));
        Assert.Equal(["budget 2026"], (await store.FindByPrefixAsync("a", "ann", "BUD", 5)).Select(e => e.Query));
        Assert.Empty(await store.FindByPrefixAsync("a", "ann", "%", 5));

        var first = await store.ListAsync("a", "ann", new PageRequest(1));
        var second = await store.ListAsync("a", "ann", new PageRequest(1, first.NextPageToken));
        Assert.Equal(["budget 2026", "roadmap"], first.Items.Concat(second.Items).Select(e => e.Query));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => store.ListAsync("a", "bob", new PageRequest(1, first.NextPageToken)));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Past_the_cap_the_least_recently_searched_go_and_opting_out_deletes_everything(string provider)
    {
        var (store, clock) = await CreateAsync(provider);
        for (var i = 0; i < SearchHistoryStore.MaxEntriesPerUser + 3; i++)
        {
            await store.RecordAsync("a", "ann", $"query {i}", RetrievalMode.Hybrid);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        var all = await store.ListAsync("a", "ann", new PageRequest(PageToken.MaxPageSize));
        Assert.Equal((SearchHistoryStore.MaxEntriesPerUser, string.Empty), (all.Items.Count, all.NextPageToken));
        var queries = all.Items.Select(e => e.Query).ToHashSet();
        Assert.DoesNotContain("query 0", queries);
        Assert.DoesNotContain("query 2", queries);
        Assert.Contains("query 3", queries);
        Assert.Equal("query 502", all.Items[0].Query);

        Assert.False(await store.SetEnabledAsync("a", "ann", enabled: false));
        Assert.Empty((await store.ListAsync("a", "ann", PageRequest.First)).Items);
        Assert.False(await store.RecordAsync("a", "ann", "kept?", RetrievalMode.Hybrid));
        Assert.Empty((await store.ListAsync("a", "ann", PageRequest.First)).Items);
        Assert.True(await store.SetEnabledAsync("a", "ann", enabled: true));
        Assert.True(await store.RecordAsync("a", "ann", "kept again", RetrievalMode.Hybrid));
        Assert.Equal(1, await store.DeleteAsync("a", "ann", null));
    }

    private static async Task<(SearchHistoryStore Store, ManualClock Clock)> CreateAsync(string provider)
    {
        var database = await StoreProvider.CreateMigratedAsync(provider);
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('a', 'a', 'alpha', 'Alpha', 0), ('b', 'b', 'beta', 'Beta', 0)", transaction: t));
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        return (new SearchHistoryStore(database, clock), clock);
    }
}
