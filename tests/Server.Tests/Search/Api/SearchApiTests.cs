using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Search.Indexing;
using Atom.Server.Search.Vectors;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Search.Embeddings;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Search.Api;

/// <summary>One server for the search API tests: SQLite, a real clamd, the real word vectors when there are any.</summary>
public sealed class SearchServer : IAsyncLifetime
{
    private int _teams;

    public IdentityApiServer Server { get; private set; } = null!;

    public static string[] Arguments =>
    [
        $"--Atom:Scanner:Address={ClamdServer.UnixAddress}", "--Atom:Jobs:PollInterval=00:00:00.200",
        .. TestGlove.Path is { } glove ? [$"--Atom:Embeddings:Glove:Path={glove}"] : Array.Empty<string>(),
    ];

    public async Task InitializeAsync() => Server = await IdentityApiServer.StartAsync("sqlite", Arguments);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Task<Team> TeamAsync(params string[] people) => Team.CreateAsync(Server, $"search{Interlocked.Increment(ref _teams)}", people);
}

/// <summary>
/// SearchService end to end through the SDK (and REST): what is found and why, that nothing unreadable is ever found or
/// hinted at, precise errors for bad input, paging, semantic search and its degraded fallback, history, suggestions and
/// live results.
/// </summary>
public sealed class SearchApiTests(SearchServer fixture) : IClassFixture<SearchServer>
{
    [Theory]
    [MemberData(nameof(Storage.StoreProvider.Both), MemberType = typeof(Storage.StoreProvider))]
    public async Task Messages_are_found_by_their_words_stemmed_with_highlights_and_their_room_as_title(string provider)
    {
        await using var server = await IdentityApiServer.StartAsync(provider, "--Atom:Jobs:PollInterval=00:00:00.200");
        var team = await Team.CreateAsync(server, "words", "ann");
        var room = await team["ann"].CreateRoomAsync("launch", RoomVisibility.Private);
        var chat = new ChatServiceClient(server.Channel(team["ann"].Token));
        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "We are launching the rockets on Friday 🚀 after the checks" })).Message;
        await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "Lunch is at noon" });
        var search = new SearchServiceClient(server.Channel(team["ann"].Token));

        // "launch" meets "launching" and "rocket" meets "rockets": both engines stem.
        var found = await search.UntilIdsAsync("launch rocket", sent.Id);
        var result = Assert.Single(found.Results);
        Assert.Equal((SearchResultKind.Message, "launch", room.Id, team["ann"].Id, sent.Sequence, MatchReason.Keyword),
            (result.Kind, result.Title, result.RoomId, result.AuthorId, result.Sequence, result.Match));
        Assert.Equal(sent.CreateTime, result.CreateTime);
        var snippet = Assert.Single(result.Snippets);
        Assert.Equal(["launching", "rockets"], snippet.Highlighted());
        Assert.Contains("🚀", snippet.Text);
        Assert.Equal(SearchMode.Keyword, found.Mode);

        // A phrase must stand together; a prefix completes.
        await search.UntilIdsAsync("\"the rockets on friday\"", sent.Id);
        await search.UntilIdsAsync("\"friday rockets\"");
        await search.UntilIdsAsync("lau*", sent.Id);
        await search.UntilIdsAsync("rockets -friday");
    }

    [Fact]
    public async Task Only_what_the_caller_may_read_is_found_and_an_unreadable_room_is_not_found_like_a_missing_one()
    {
        var team = await fixture.TeamAsync("ann", "bob");
        var secret = await team["ann"].CreateRoomAsync("secret", RoomVisibility.Private);
        var lobby = await team["ann"].CreateRoomAsync("lobby");
        var shared = await team["ann"].CreateRoomAsync("shared", RoomVisibility.Private, team["bob"].Id);
        var annChat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var inSecret = (await annChat.SendMessageAsync(new SendMessageRequest { RoomId = secret.Id, Text = "walrus plans" })).Message;
        var inLobby = (await annChat.SendMessageAsync(new SendMessageRequest { RoomId = lobby.Id, Text = "walrus party" })).Message;
        var inShared = (await annChat.SendMessageAsync(new SendMessageRequest { RoomId = shared.Id, Text = "walrus budget" })).Message;
        var annFiles = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var personal = (await UploadStreamAsync(annFiles, "walrus-diary.txt", "text/plain", Encoding.UTF8.GetBytes("my walrus diary"), 4096)).File;
        var other = await fixture.TeamAsync("cy");
        var otherRoom = await other["cy"].CreateRoomAsync("walrus");
        await new ChatServiceClient(fixture.Server.Channel(other["cy"].Token)).SendMessageAsync(new SendMessageRequest { RoomId = otherRoom.Id, Text = "walrus elsewhere" });

        var ann = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        var bob = new SearchServiceClient(fixture.Server.Channel(team["bob"].Token));
        await ann.UntilIdsAsync("walrus", inSecret.Id, inLobby.Id, inShared.Id, personal.Id);

        // Bob is a member of one room; the lobby is public but he has not joined it, so he names it to search it.
        await bob.UntilIdsAsync("walrus", inShared.Id);
        var named = await bob.SearchAsync(new SearchRequest { Query = "walrus", Filter = new SearchFilter { RoomIds = { "lobby" } } });
        Assert.Equal([inLobby.Id], named.Results.Select(r => r.Id));

        // A private room he is not in, another tenant's room and a room that does not exist answer alike.
        var errors = new List<(StatusCode, string?, string?)>();
        foreach (var room in new[] { secret.Id, "secret", otherRoom.Id, "no-such-room" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => bob.SearchAsync(new SearchRequest { Query = "walrus", Filter = new SearchFilter { RoomIds = { room } } }).ResponseAsync);
            errors.Add((error.StatusCode, error.GetDetail<ErrorInfo>()?.Reason, error.GetDetail<ResourceInfo>()?.ResourceType));
            Assert.DoesNotContain("private", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(errors, e => Assert.Equal((StatusCode.NotFound, "NOT_FOUND", "room"), e));

        // Tenant owners search like everyone else: no one's private conversation is found by a search.
        var owner = new SearchServiceClient(fixture.Server.Channel(team.Owner.Token));
        Assert.Empty((await owner.SearchAsync(new SearchRequest { Query = "walrus" })).Results);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_query_syntax_is_searched_as_words()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("syntax");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "NEAR the title: column \"quoted\" back\\slash" })).Message;
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        await search.UntilIdsAsync("column", sent.Id);

        foreach (var hostile in new[] { "\"quoted", "NEAR(the column", "title:column", "back\\slash", "column*  OR AND NOT", "(((column", "column\0" })
        {
            var response = await search.SearchAsync(new SearchRequest { Query = hostile, SkipHistory = true });
            Assert.Equal([sent.Id], response.Results.Select(r => r.Id));
        }

        async Task<(string Field, string Message)> Refused(SearchRequest request)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => search.SearchAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            return (Assert.Single(error.GetDetail<BadRequest>()!.FieldViolations).Field, error.Status.Detail);
        }

        Assert.Equal("query", (await Refused(new SearchRequest { Query = "  " })).Field);
        Assert.Contains("513 characters", (await Refused(new SearchRequest { Query = new string('a', 513) })).Message);
        Assert.Equal("query", (await Refused(new SearchRequest { Query = "!!! -column" })).Field);
        Assert.Equal("mode", (await Refused(new SearchRequest { Query = "column", Mode = (SearchMode)42 })).Field);
        Assert.Equal("scopes[1]", (await Refused(new SearchRequest { Query = "column", Scopes = { SearchScope.Files, SearchScope.Unspecified } })).Field);
        Assert.Equal("page_size", (await Refused(new SearchRequest { Query = "column", PageSize = -1 })).Field);
        Assert.Equal("filter.author_ids[0]", (await Refused(new SearchRequest { Query = "column", Filter = new SearchFilter { AuthorIds = { new string('x', 65) } } })).Field);
        Assert.Equal("filter.file_types[0]", (await Refused(new SearchRequest { Query = "column", Filter = new SearchFilter { FileTypes = { " " } } })).Field);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("filter.created_before", (await Refused(new SearchRequest
        {
            Query = "column",
            Filter = new SearchFilter { CreatedAfter = Timestamp.FromDateTimeOffset(now), CreatedBefore = Timestamp.FromDateTimeOffset(now.AddHours(-1)) },
        })).Field);

        // A token is bound to its query and filters, and one that was not issued is refused.
        Assert.Equal("page_token", (await Refused(new SearchRequest { Query = "column", PageToken = "not-a-token" })).Field);
        Assert.Equal("page_token", (await Refused(new SearchRequest { Query = "column", PageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes("p1\nsearch/0\n10")) })).Field);
    }

    [Fact]
    public async Task Pages_give_every_result_once_and_a_token_is_refused_for_another_query()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("paging");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = $"quokka sighting number {i}" })).Message.Id);
        }

        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        await search.UntilAsync(new SearchRequest { Query = "quokka", PageSize = 100 }, r => r.Results.Count == 25);
        var seen = new List<string>();
        var request = new SearchRequest { Query = "quokka", PageSize = 10, SkipHistory = true };
        var pages = 0;
        string? firstToken = null;
        do
        {
            var page = await search.SearchAsync(request);
            seen.AddRange(page.Results.Select(r => r.Id));
            request.PageToken = page.NextPageToken;
            firstToken ??= page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(), seen.Order());

        var error = await Assert.ThrowsAsync<RpcException>(() => search.SearchAsync(new SearchRequest { Query = "sighting", PageToken = firstToken }).ResponseAsync);
        Assert.Equal("page_token", Assert.Single(error.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Files_are_found_by_name_and_text_and_narrowed_by_scope_type_author_and_date()
    {
        var team = await fixture.TeamAsync("ann", "bob");
        var room = await team["ann"].CreateRoomAsync("finance", RoomVisibility.Public, team["bob"].Id);
        var annFiles = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var report = (await UploadStreamAsync(annFiles, "ledger-2026.txt", "text/plain", Encoding.UTF8.GetBytes("Quarterly ledger: the marmalade account is overdrawn."), 4096, room.Id)).File;
        var message = (await new ChatServiceClient(fixture.Server.Channel(team["bob"].Token)).SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "who owns the marmalade account?" })).Message;
        var bob = new SearchServiceClient(fixture.Server.Channel(team["bob"].Token));
        await bob.UntilIdsAsync("marmalade", report.Id, message.Id);

        var byName = await bob.UntilIdsAsync("ledger", report.Id);
        var file = Assert.Single(byName.Results);
        Assert.Equal((SearchResultKind.File, "ledger-2026.txt", "text/plain", room.Id, team["ann"].Id, 0L), (file.Kind, file.Title, file.MediaType, file.RoomId, file.AuthorId, file.Sequence));

        async Task<IEnumerable<string>> Ids(SearchRequest request) => (await bob.SearchAsync(request)).Results.Select(r => r.Id);
        Assert.Equal([report.Id], await Ids(new SearchRequest { Query = "marmalade", Scopes = { SearchScope.Files } }));
        Assert.Equal([message.Id], await Ids(new SearchRequest { Query = "marmalade", Scopes = { SearchScope.Messages } }));
        foreach (var type in new[] { "text/plain", "TEXT/PLAIN", "text" })
        {
            Assert.Equal([report.Id], await Ids(new SearchRequest { Query = "marmalade", Filter = new SearchFilter { FileTypes = { type } } }));
        }

        Assert.Empty(await Ids(new SearchRequest { Query = "marmalade", Filter = new SearchFilter { FileTypes = { "pdf", "document" } } }));
        Assert.Equal([message.Id], await Ids(new SearchRequest { Query = "marmalade", Filter = new SearchFilter { AuthorIds = { team["bob"].Id } } }));
        Assert.Empty(await Ids(new SearchRequest { Query = "marmalade", Filter = new SearchFilter { CreatedAfter = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(5)) } }));
        Assert.Equal(2, (await Ids(new SearchRequest { Query = "marmalade", Filter = new SearchFilter { CreatedBefore = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(5)) } })).Count());

        // Synonyms widen a word: "bill" finds nothing by itself here, but nothing breaks either; "invoice" widens to "bill".
        var widened = await bob.SearchAsync(new SearchRequest { Query = "invoice", Mode = SearchMode.Keyword });
        Assert.Contains("bill", widened.ExpandedTerms);
    }

    [GloveFact]
    public async Task Meaning_finds_what_the_words_do_not_and_each_result_says_why_it_matched()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("garage");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var car = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "The car needs new tyres and an oil change before the road trip" })).Message;
        var cake = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "I baked a chocolate cake with strawberries for the party" })).Message;
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));

        // No word of the query is in the message.
        var semantic = await search.UntilAsync(new SearchRequest { Query = "vehicle maintenance", Mode = SearchMode.Semantic }, r => r.Results.Count > 0);
        Assert.Equal(car.Id, semantic.Results[0].Id);
        Assert.Equal(MatchReason.Semantic, semantic.Results[0].Match);
        Assert.DoesNotContain(semantic.Results, r => r.Id == cake.Id);
        Assert.False(semantic.Degraded);
        Assert.Equal(SearchMode.Semantic, semantic.Mode);
        Assert.NotEmpty(semantic.Results[0].Snippets[0].Text);

        var hybrid = await search.SearchAsync(new SearchRequest { Query = "car tyres", SkipHistory = true });
        Assert.Equal(car.Id, hybrid.Results[0].Id);
        Assert.Equal(MatchReason.Both, hybrid.Results[0].Match);
        Assert.Equal(SearchMode.Hybrid, hybrid.Mode);

        var dessert = await search.SearchAsync(new SearchRequest { Query = "dessert", SkipHistory = true });
        Assert.Equal([cake.Id], dessert.Results.Select(r => r.Id));
        Assert.Equal(MatchReason.Semantic, dessert.Results[0].Match);
    }

    [GloveFact]
    public async Task A_lost_vector_index_is_rebuilt_from_the_store_without_embedding_again()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("kitchen");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var soup = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "tomato soup with basil and garlic bread" })).Message;
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        var request = new SearchRequest { Query = "dinner recipe", Mode = SearchMode.Semantic };
        await search.UntilAsync(request, r => r.Results.Any(x => x.Id == soup.Id));

        var services = fixture.Server.Test.Server.Services;
        await services.GetRequiredService<IVectorStore>().DeleteCollectionAsync("chunks_100", CancellationToken.None);
        Assert.DoesNotContain((await search.SearchAsync(request)).Results, r => r.Id == soup.Id);

        // What the server does at start-up when the index does not hold what the store holds.
        using var rebuild = ActivatorUtilities.CreateInstance<VectorIndexRebuild>(services);
        await ((IHostedService)rebuild).StartAsync(CancellationToken.None);
        await rebuild.ExecuteTask!;
        Assert.Null(rebuild.Progress);
        Assert.Contains((await search.SearchAsync(request)).Results, r => r.Id == soup.Id);
    }

    [Fact]
    public async Task A_vector_store_that_is_down_leaves_keyword_results_marked_degraded()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", [.. SearchServer.Arguments, "--Atom:Vectors:Provider=qdrant", "--Atom:Vectors:Qdrant:Url=http://127.0.0.1:9"]);
        var team = await Team.CreateAsync(server, "down", "ann");
        var room = await team["ann"].CreateRoomAsync("ops");
        var sent = (await new ChatServiceClient(server.Channel(team["ann"].Token)).SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "the pager went off at midnight" })).Message;
        var search = new SearchServiceClient(server.Channel(team["ann"].Token));

        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Semantic })
        {
            var response = await search.UntilAsync(new SearchRequest { Query = "pager", Mode = mode }, r => r.Results.Count == 1);
            Assert.Equal(sent.Id, response.Results[0].Id);
            Assert.True(response.Degraded);
            Assert.Equal(SearchMode.Keyword, response.Mode);
            Assert.Matches(TestGlove.Path is null ? "embeddings" : "vector", response.DegradedReason);
        }

        var keyword = await search.SearchAsync(new SearchRequest { Query = "pager", Mode = SearchMode.Keyword });
        Assert.False(keyword.Degraded);
    }

    [Fact]
    public async Task History_is_kept_per_user_listed_newest_first_deleted_and_opted_out_of()
    {
        var team = await fixture.TeamAsync("ann", "bob");
        var ann = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        var bob = new SearchServiceClient(fixture.Server.Channel(team["bob"].Token));
        await ann.SearchAsync(new SearchRequest { Query = "Quarterly   Budget" });
        await ann.SearchAsync(new SearchRequest { Query = "roadmap", Mode = SearchMode.Keyword });
        await ann.SearchAsync(new SearchRequest { Query = "quarterly budget" });
        await ann.SearchAsync(new SearchRequest { Query = "secret thing", SkipHistory = true });
        await bob.SearchAsync(new SearchRequest { Query = "bob's own" });

        var entries = (await ann.ListSearchHistoryAsync(new ListSearchHistoryRequest())).Entries;
        Assert.Equal([("quarterly budget", 2, SearchMode.Hybrid), ("roadmap", 1, SearchMode.Keyword)], entries.Select(e => (e.Query, e.Count, e.Mode)));

        var first = await ann.ListSearchHistoryAsync(new ListSearchHistoryRequest { PageSize = 1 });
        var second = await ann.ListSearchHistoryAsync(new ListSearchHistoryRequest { PageSize = 1, PageToken = first.NextPageToken });
        Assert.Equal(["quarterly budget", "roadmap"], first.Entries.Concat(second.Entries).Select(e => e.Query));

        // Nobody deletes another's entries: an id of Bob's is simply not one of Ann's.
        var bobs = Assert.Single((await bob.ListSearchHistoryAsync(new ListSearchHistoryRequest())).Entries);
        Assert.Equal(0, (await ann.DeleteSearchHistoryAsync(new DeleteSearchHistoryRequest { EntryIds = { bobs.Id } })).Deleted);
        Assert.Equal(1, (await ann.DeleteSearchHistoryAsync(new DeleteSearchHistoryRequest { EntryIds = { entries[1].Id } })).Deleted);
        var neither = await Assert.ThrowsAsync<RpcException>(() => ann.DeleteSearchHistoryAsync(new DeleteSearchHistoryRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, neither.StatusCode);

        Assert.True((await ann.GetSearchSettingsAsync(new GetSearchSettingsRequest())).Settings.HistoryEnabled);
        var off = await ann.UpdateSearchSettingsAsync(new UpdateSearchSettingsRequest { Settings = new SearchSettings { HistoryEnabled = false }, UpdateMask = new FieldMask { Paths = { "history_enabled" } } });
        Assert.False(off.Settings.HistoryEnabled);
        await ann.SearchAsync(new SearchRequest { Query = "after opting out" });
        Assert.Empty((await ann.ListSearchHistoryAsync(new ListSearchHistoryRequest())).Entries);
        Assert.Single((await bob.ListSearchHistoryAsync(new ListSearchHistoryRequest())).Entries);

        var bad = await Assert.ThrowsAsync<RpcException>(() => ann.UpdateSearchSettingsAsync(new UpdateSearchSettingsRequest { Settings = new SearchSettings(), UpdateMask = new FieldMask { Paths = { "colour" } } }).ResponseAsync);
        Assert.Equal("update_mask", Assert.Single(bad.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Suggestions_complete_from_past_queries_rooms_files_and_people_the_caller_can_see()
    {
        var team = await fixture.TeamAsync("ann", "bob");
        await new UserServiceClient(fixture.Server.Channel(team.Owner.Token)).UpdateUserAsync(new UpdateUserRequest
        {
            User = new User { Id = team["bob"].Id, DisplayName = "Pelican Bob" },
            UpdateMask = new FieldMask { Paths = { "display_name" } },
        });
        await team["ann"].CreateRoomAsync("pelican-watch");
        await team["bob"].CreateRoomAsync("pelican-private", RoomVisibility.Private);
        var annFiles = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var file = (await UploadStreamAsync(annFiles, "Pelican-census.txt", "text/plain", Encoding.UTF8.GetBytes("birds counted"), 4096)).File;
        var ann = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        await ann.UntilIdsAsync("census", file.Id);
        await ann.SearchAsync(new SearchRequest { Query = "pelican migration" });

        var suggestions = (await ann.SuggestAsync(new SuggestRequest { Prefix = "Pel" })).Suggestions;
        Assert.Equal(
            [("pelican migration", SuggestionKind.PastQuery), ("pelican-watch", SuggestionKind.Room), ("Pelican-census.txt", SuggestionKind.File), ("Pelican Bob", SuggestionKind.Person)],
            suggestions.Select(s => (s.Text, s.Kind)));
        Assert.Equal(file.Id, suggestions[2].Id);
        Assert.Equal(team["bob"].Id, suggestions[3].Id);
        Assert.Equal(2, (await ann.SuggestAsync(new SuggestRequest { Prefix = "pel", Limit = 2 })).Suggestions.Count);

        var error = await Assert.ThrowsAsync<RpcException>(() => ann.SuggestAsync(new SuggestRequest { Prefix = "" }).ResponseAsync);
        Assert.Equal("prefix", Assert.Single(error.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task A_watched_search_is_sent_again_when_new_content_matches_it()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("live");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        using var watch = search.WatchSearch(new WatchSearchRequest { Search = new SearchRequest { Query = "flamingo", Mode = SearchMode.Keyword } },
            new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(60) });

        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(SearchRefreshReason.Query, watch.ResponseStream.Current.Reason);
        Assert.Empty(watch.ResponseStream.Current.Response.Results);

        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "a flamingo landed on the roof" })).Message;
        await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "unrelated chatter" });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(SearchRefreshReason.Content, watch.ResponseStream.Current.Reason);
        Assert.Equal([sent.Id], watch.ResponseStream.Current.Response.Results.Select(r => r.Id));
    }

    [Fact]
    public async Task A_search_stream_answers_each_new_query_and_an_empty_box_with_no_results()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("typing");
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "the heron is back at the pond" })).Message;
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        await search.UntilIdsAsync("heron", sent.Id);

        using var stream = search.SearchStream(new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(60) });
        async Task<SearchStreamResponse> Type(string query)
        {
            await stream.RequestStream.WriteAsync(new SearchStreamRequest { Search = new SearchRequest { Query = query, Mode = SearchMode.Keyword } });
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            return stream.ResponseStream.Current;
        }

        var first = await Type("her*");
        Assert.Equal(("her*", SearchRefreshReason.Query), (first.Query, first.Reason));
        Assert.Equal([sent.Id], first.Response.Results.Select(r => r.Id));
        Assert.Empty((await Type("")).Response.Results);
        Assert.Equal([sent.Id], (await Type("pond")).Response.Results.Select(r => r.Id));

        // A bad query ends the stream with the error, naming the field.
        await stream.RequestStream.WriteAsync(new SearchStreamRequest { Search = new SearchRequest { Query = "pond", Scopes = { (SearchScope)9 } } });
        var error = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("search.scopes[0]", Assert.Single(error.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Rest_clients_search_with_a_json_post()
    {
        var team = await fixture.TeamAsync("ann");
        var room = await team["ann"].CreateRoomAsync("rest");
        var sent = (await new ChatServiceClient(fixture.Server.Channel(team["ann"].Token)).SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = "the ibis is a wading bird" })).Message;
        await new SearchServiceClient(fixture.Server.Channel(team["ann"].Token)).UntilIdsAsync("ibis", sent.Id);

        using var rest = fixture.Server.Rest(team["ann"].Token);
        using var response = await rest.PostAsJsonAsync("/v1/search", new { query = "ibis", mode = "SEARCH_MODE_KEYWORD", pageSize = 5, filter = new { roomIds = new[] { "rest" } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = json.RootElement.GetProperty("results")[0];
        Assert.Equal(sent.Id, result.GetProperty("id").GetString());
        Assert.Equal("SEARCH_RESULT_KIND_MESSAGE", result.GetProperty("kind").GetString());
        Assert.Equal("ibis", result.GetProperty("snippets")[0].GetProperty("highlights")[0].GetProperty("length").GetInt32() == 4 ? "ibis" : "?");

        using var bad = await rest.PostAsJsonAsync("/v1/search", new { query = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
