using Atom.Server.Search.Index;
using Atom.Server.Search.Text;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;

namespace Atom.Server.Tests.Search.Index;

/// <summary>The chunk index and its full-text search on both engines: access by scope, tenants, filters, stemming, snippets, replacement.</summary>
public sealed class ChunkStoreTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Only_chunks_of_readable_scopes_of_the_tenant_are_found(string provider)
    {
        var (store, _) = await CreateAsync(provider);
        await store.ReplaceSourceAsync("a", "m1", [Message("a", "m1", "room:r1", "The quarterly budget is approved")]);
        await store.ReplaceSourceAsync("a", "m2", [Message("a", "m2", "room:r2", "Budget talks in the secret room")]);
        await store.ReplaceSourceAsync("b", "m3", [Message("b", "m3", "room:r1", "Another tenant's budget")]);

        var hits = await store.SearchAsync(KeywordQuery.Parse("budget"), new ChunkFilter("a", ["room:r1"]), 10);

        Assert.Equal(["m1"], hits.Select(h => h.Chunk.SourceId));
        Assert.Empty(await store.SearchAsync(KeywordQuery.Parse("budget"), new ChunkFilter("a", []), 10));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Words_are_stemmed_and_the_snippet_marks_what_matched(string provider)
    {
        var (store, _) = await CreateAsync(provider);
        await store.ReplaceSourceAsync("a", "m1", [Message("a", "m1", "room:r1", "She was running the deployment checks all night")]);

        var hit = Assert.Single(await store.SearchAsync(KeywordQuery.Parse("runs"), new ChunkFilter("a", ["room:r1"]), 10));

        var (start, length) = Assert.Single(hit.Snippet.Highlights);
        Assert.Equal("running", hit.Snippet.Text.Substring(start, length));
        Assert.True(hit.Score > 0);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Filters_narrow_by_kind_author_file_type_and_time(string provider)
    {
        var (store, _) = await CreateAsync(provider);
        await store.ReplaceSourceAsync("a", "m1", [Message("a", "m1", "room:r1", "roadmap for the launch", author: "ann", at: Monday)]);
        await store.ReplaceSourceAsync("a", "f1", [File("a", "f1", "room:r1", "roadmap.pdf", "roadmap in detail", "application/pdf", "PDF", "document", author: "bob", at: Monday.AddDays(1))]);
        await store.ReplaceSourceAsync("a", "f2", [File("a", "f2", "user:ann", "roadmap.png", "roadmap sketch", "image/png", "PNG", "image", author: "ann", at: Monday.AddDays(2))]);
        var all = new ChunkFilter("a", ["room:r1", "user:ann"]);
        var query = KeywordQuery.Parse("roadmap");

        async Task<string[]> Find(ChunkFilter filter) => [.. (await store.SearchAsync(query, filter, 10)).Select(h => h.Chunk.SourceId).Order()];

        Assert.Equal(["f1", "f2", "m1"], await Find(all));
        Assert.Equal(["m1"], await Find(all with { Kinds = [SourceKind.Message] }));
        Assert.Equal(["f2", "m1"], await Find(all with { AuthorIds = ["ann"] }));
        Assert.Equal(["f1"], await Find(all with { FileTypes = ["pdf"] }));
        Assert.Equal(["f1"], await Find(all with { FileTypes = ["application/PDF"] }));
        Assert.Equal(["f2"], await Find(all with { FileTypes = ["image"] }));
        Assert.Equal(["f1"], await Find(all with { CreatedFrom = Monday.AddHours(1), CreatedBefore = Monday.AddDays(2) }));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Replacing_a_source_leaves_no_stale_chunk_and_an_empty_replacement_removes_it(string provider)
    {
        var (store, database) = await CreateAsync(provider);
        var filter = new ChunkFilter("a", ["room:r1"]);
        await store.ReplaceSourceAsync("a", "f1", [
            File("a", "f1", "room:r1", "notes.txt", "first part about apples", "text/plain", "Text", "text", chunk: 0),
            File("a", "f1", "room:r1", "notes.txt", "second part about pears", "text/plain", "Text", "text", chunk: 1)]);
        Assert.Equal(2, (await store.SearchAsync(KeywordQuery.Parse("part"), filter, 10)).Count);

        await store.ReplaceSourceAsync("a", "f1", [File("a", "f1", "room:r1", "notes.txt", "only oranges now", "text/plain", "Text", "text")]);
        Assert.Empty(await store.SearchAsync(KeywordQuery.Parse("apples OR pears"), filter, 10));
        Assert.Single(await store.SearchAsync(KeywordQuery.Parse("oranges"), filter, 10));

        await store.ReplaceSourceAsync("a", "f1", []);
        Assert.Empty(await store.SearchAsync(KeywordQuery.Parse("oranges"), filter, 10));
        Assert.Equal(0, await database.InTenantAsync("a", (c, t) => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_chunks", transaction: t)));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_title_match_ranks_above_a_passing_mention(string provider)
    {
        var (store, _) = await CreateAsync(provider);
        await store.ReplaceSourceAsync("a", "f1", [File("a", "f1", "room:r1", "notes.txt", "lunch plans and also the invoice was mentioned once among many other words here", "text/plain", "Text", "text")]);
        await store.ReplaceSourceAsync("a", "f2", [File("a", "f2", "room:r1", "invoice.txt", "amounts due in december", "text/plain", "Text", "text")]);

        var hits = await store.SearchAsync(KeywordQuery.Parse("invoice"), new ChunkFilter("a", ["room:r1"]), 10);

        Assert.Equal(["f2", "f1"], hits.Select(h => h.Chunk.SourceId));
    }

    [Fact]
    public async Task On_postgres_a_german_text_is_stemmed_as_german()
    {
        var (store, _) = await CreateAsync("postgres");
        var text = "Die Katzen schlafen auf dem Sofa und die Hunde nicht";
        await store.ReplaceSourceAsync("a", "m1", [Message("a", "m1", "room:r1", text) with { Language = LanguageDetector.Detect(text) }]);

        Assert.Single(await store.SearchAsync(KeywordQuery.Parse("Katze"), new ChunkFilter("a", ["room:r1"]), 10));
        Assert.Single(await store.SearchAsync(KeywordQuery.Parse("Hund"), new ChunkFilter("a", ["room:r1"]), 10));
    }

    private static async Task<(ChunkStore Store, AtomDatabase Database)> CreateAsync(string provider)
    {
        var database = await StoreProvider.CreateMigratedAsync(provider);
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('a', 'a', 'alpha', 'Alpha', 0), ('b', 'b', 'beta', 'Beta', 0)", transaction: t));
        return (new ChunkStore(database), database);
    }

    private static SearchChunk Message(string tenant, string id, string scope, string text, string author = "ann", DateTimeOffset? at = null) =>
        new(tenant, SourceKind.Message, id, 0, scope, scope.StartsWith("room:", StringComparison.Ordinal) ? scope[5..] : string.Empty, author,
            string.Empty, string.Empty, string.Empty, "general", text, "english", 1, at ?? Monday);

    private static SearchChunk File(string tenant, string id, string scope, string name, string text, string mediaType, string label, string category,
        string author = "ann", DateTimeOffset? at = null, int chunk = 0) =>
        new(tenant, SourceKind.File, id, chunk, scope, scope.StartsWith("room:", StringComparison.Ordinal) ? scope[5..] : string.Empty, author,
            category, mediaType, label, name, text, "english", 0, at ?? Monday);
}
