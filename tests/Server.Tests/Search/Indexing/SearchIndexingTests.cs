using System.Diagnostics;
using System.Text;
using Atom.Server.Search.Index;
using Atom.Server.Search.Text;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Search.Indexing;

/// <summary>
/// The index follows messages and files through a real server: what is posted, edited, deleted, uploaded, quarantined
/// and removed is found (or no longer found) once the indexing job has run.
/// </summary>
public sealed class SearchIndexingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Storage.StoreProvider.Both), MemberType = typeof(Storage.StoreProvider))]
    public async Task Messages_are_found_after_posting_and_edits_and_deletes_leave_no_stale_hit(string provider)
    {
        await using var server = await IdentityApiServer.StartAsync(provider, "--Atom:Jobs:PollInterval=00:00:00.200");
        var team = await Team.CreateAsync(server, "idx", "ann");
        var room = (await team["ann"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "plans" })).Room;
        var chat = new ChatServiceClient(server.Channel(team["ann"].Token));
        var index = new Index(server, team.Tenant.Id, $"room:{room.Id}");

        var message = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "The zeppelin launch is on Friday" })).Message;
        var hit = Assert.Single(await index.UntilAsync("zeppelin", 1));
        Assert.Equal((message.Id, SourceKind.Message, message.Sequence, team["ann"].Id, ""), (hit.Chunk.SourceId, hit.Chunk.Kind, hit.Chunk.Sequence, hit.Chunk.AuthorId, hit.Chunk.Title));

        await chat.EditMessageAsync(new EditMessageRequest { RoomId = room.Id, MessageId = message.Id, Text = "The airship launch is on Monday" });
        await index.UntilAsync("airship", 1);
        Assert.Empty(await index.FindAsync("zeppelin"));

        await chat.DeleteMessageAsync(new DeleteMessageRequest { RoomId = room.Id, MessageId = message.Id });
        await index.UntilAsync("airship", 0);
    }

    [Fact]
    public async Task Files_are_found_by_name_and_content_once_scanned_clean_and_never_when_quarantined()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", $"--Atom:Scanner:Address={ClamdServer.UnixAddress}", "--Atom:Jobs:PollInterval=00:00:00.200");
        var team = await Team.CreateAsync(server, "idxf", "bob");
        var files = new FileServiceClient(server.Channel(team["bob"].Token));
        var mine = new Index(server, team.Tenant.Id, $"user:{team["bob"].Id}");

        var report = (await UploadStreamAsync(files, "harvest-report.txt", "text/plain", Encoding.UTF8.GetBytes("Pumpkin yields rose this autumn."), 4096)).File;
        var infected = Encoding.ASCII.GetBytes("pumpkin notes\n").Concat(ClamdServer.EicarTestString()).ToArray();
        var bad = (await UploadStreamAsync(files, "pumpkin-virus.txt", "text/plain", infected, 4096)).File;
        Assert.Equal(FileState.Quarantined, (await WaitAsync(files, bad.Id)).State);

        Assert.Equal([report.Id], (await mine.UntilAsync("pumpkin", 1)).Select(h => h.Chunk.SourceId));
        Assert.Equal([report.Id], (await mine.FindAsync("harvest")).Select(h => h.Chunk.SourceId));

        await files.DeleteFileAsync(new DeleteFileRequest { FileId = report.Id });
        await mine.UntilAsync("pumpkin", 0);
    }

    [Embeddings.GloveFact]
    public async Task With_word_vectors_each_chunk_is_stored_with_its_unit_embedding_and_without_them_for_keywords_alone()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", "--Atom:Jobs:PollInterval=00:00:00.200", $"--Atom:Embeddings:Glove:Path={Embeddings.TestGlove.Path}");
        var team = await Team.CreateAsync(server, "emb", "cy");
        var room = (await team["cy"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "garden" })).Room;
        var chat = new ChatServiceClient(server.Channel(team["cy"].Token));
        await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "The tomatoes are ripening in the greenhouse" });
        await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "🍅🍅🍅" });
        await new Index(server, team.Tenant.Id, $"room:{room.Id}").UntilAsync("tomatoes", 1);

        var database = server.Test.Server.Services.GetRequiredService<Atom.Server.Storage.AtomDatabase>();
        List<(string Body, byte[]? Embedding)> stored;
        var waited = Stopwatch.StartNew();
        do
        {
            await Task.Delay(50);
            stored = await database.InTenantAsync(team.Tenant.Id, async (c, t) => (await Dapper.SqlMapper.QueryAsync<(string Body, byte[]? Embedding)>(c,
                "SELECT body AS Body, embedding AS Embedding FROM search_chunks ORDER BY sequence", transaction: t)).ToList());
        }
        while (stored.Count < 2 && waited.Elapsed < Patience);

        // Emoji are no word the vectors know: that message is found by keywords alone.
        Assert.Null(Assert.Single(stored, s => s.Body.Contains("🍅", StringComparison.Ordinal)).Embedding);
        var (_, vector) = Assert.Single(stored, s => s.Body.Contains("tomatoes", StringComparison.Ordinal));
        var embedding = ChunkStore.VectorOf(vector!);
        Assert.Equal(100, embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(x => (double)x * x)), 3);
    }

    private sealed class Index(IdentityApiServer server, string tenantId, string scope)
    {
        private readonly ChunkStore _chunks = server.Test.Server.Services.GetRequiredService<ChunkStore>();

        public Task<IReadOnlyList<KeywordHit>> FindAsync(string query) =>
            _chunks.SearchAsync(KeywordQuery.Parse(query), new ChunkFilter(tenantId, [scope]), 10);

        /// <summary>Searches until the query finds <paramref name="count"/> chunks: indexing runs in the background.</summary>
        public async Task<IReadOnlyList<KeywordHit>> UntilAsync(string query, int count)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var hits = await FindAsync(query);
                if (hits.Count == count)
                {
                    return hits;
                }

                if (waited.Elapsed > Patience)
                {
                    throw new Xunit.Sdk.XunitException($"'{query}' found {hits.Count} chunks, not {count}, after {Patience}.");
                }

                await Task.Delay(50);
            }
        }
    }
}
