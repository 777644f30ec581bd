using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

/// <summary>
/// <c>atom search</c> against a real server, on messages sent and files uploaded by the test. Indexing runs as a job
/// after each message and file, so every test first waits (through the SDK, with a deadline) until what it searches
/// for can be found, then runs the CLI. Each test searches for words of its own, so tests sharing the server do not
/// see each other's results.
/// </summary>
[Collection(FilesCliServerCollection.Name)]
public sealed class SearchCommandTests(FilesCliServer server)
{
    private static readonly TimeSpan IndexingDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_message_is_found_with_the_word_that_matched_marked_and_the_command_that_opens_it()
    {
        var word = Word();
        using var ann = await FilesUser.CreateAsync(server, "ann");
        var room = await RoomWithAsync(ann);
        var sent = await server.SendAsync(room, $"the deploy of {word} is failing on staging", ann.Token);
        await WaitUntilFoundAsync(ann, word, sent.Id);

        var piped = await ann.RunAsync("search", word);
        var coloured = await ann.RunAsync("search", word, "--color", "always");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.DoesNotContain('\u001b', piped.Stdout);
        Assert.Contains($"message  {room.Name} #{sent.Sequence}", piped.Stdout);
        Assert.Contains($"the deploy of {word} is failing on staging", piped.Stdout);
        Assert.Contains($"atom history {room.Id} --before {sent.Sequence + 1}", piped.Stdout);
        Assert.True(coloured.ExitCode == 0, coloured.ToString());
        Assert.Contains($"\u001b[1;31m{word}\u001b[0m is failing", coloured.Stdout);
    }

    [Fact]
    public async Task Json_output_is_the_search_response_and_its_spans_index_the_snippet_in_utf16_past_an_emoji()
    {
        var word = Word();
        using var ann = await FilesUser.CreateAsync(server, "ann");
        var room = await RoomWithAsync(ann);
        var sent = await server.SendAsync(room, $"🚀 launch of {word} at noon", ann.Token);
        await WaitUntilFoundAsync(ann, word, sent.Id);

        var result = await ann.RunAsync("search", word, "--in", "messages", "--mode", "keyword", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var response = Assert.Single(result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement));
        Assert.Equal("SEARCH_MODE_KEYWORD", response.GetProperty("mode").GetString());
        var found = Assert.Single(response.GetProperty("results").EnumerateArray());
        Assert.Equal("SEARCH_RESULT_KIND_MESSAGE", found.GetProperty("kind").GetString());
        Assert.Equal(sent.Id, found.GetProperty("id").GetString());
        Assert.Equal(room.Id, found.GetProperty("roomId").GetString());
        Assert.Equal(ann.User.Id, found.GetProperty("authorId").GetString());
        Assert.Equal(sent.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), found.GetProperty("sequence").GetString());
        Assert.True(found.GetProperty("score").GetDouble() > 0);
        Assert.NotEqual(string.Empty, found.GetProperty("createTime").GetString());
        var snippet = found.GetProperty("snippets")[0];
        var text = snippet.GetProperty("text").GetString()!;
        var span = Assert.Single(snippet.GetProperty("highlights").EnumerateArray());
        Assert.Equal(word, text.Substring(span.GetProperty("start").GetInt32(), span.GetProperty("length").GetInt32()), ignoreCase: true);
    }

    [Fact]
    public async Task Files_are_searched_by_their_text_and_narrowed_to_a_type_as_the_user_types_it()
    {
        var word = Word();
        using var bob = await FilesUser.CreateAsync(server, "bob");
        bob.File("notes.txt", System.Text.Encoding.UTF8.GetBytes($"notes about {word} and other things"));
        bob.File("report.pdf", FilesUser.Pdf("Quarterly report", $"Revenue of {word} grew by forty percent"));
        var upload = await bob.RunAsync("upload", "notes.txt", "report.pdf", "-o", "json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var ids = FilesUser.Lines(upload).Select(f => f.GetProperty("id").GetString()!).ToArray();
        await WaitUntilFoundAsync(bob, word, ids);

        var pdfs = await bob.RunAsync("search", word, "--in", "files", "--type", "pdf", "-o", "json");
        var table = await bob.RunAsync("search", word, "--in", "files", "--type", "PDF");
        var both = await bob.RunAsync("search", word, "--in", "files", "-o", "json");

        Assert.True(pdfs.ExitCode == 0, pdfs.ToString());
        var pdf = Assert.Single(pdfs.Json().GetProperty("results").EnumerateArray());
        Assert.Equal(ids[1], pdf.GetProperty("id").GetString());
        Assert.Equal("SEARCH_RESULT_KIND_FILE", pdf.GetProperty("kind").GetString());
        Assert.Equal("report.pdf", pdf.GetProperty("title").GetString());
        Assert.Equal("application/pdf", pdf.GetProperty("mediaType").GetString());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("file     report.pdf (application/pdf)", table.Stdout);
        Assert.Contains($"atom files show {ids[1]}", table.Stdout);
        Assert.DoesNotContain("notes.txt", table.Stdout);
        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Equal(ids.Order(), both.Json().GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order());
    }

    [Fact]
    public async Task A_room_the_caller_cannot_read_is_the_servers_NOT_FOUND_with_exit_code_1()
    {
        using var eve = await FilesUser.CreateAsync(server, "eve");
        var secret = await server.CreateRoomAsync("secret", isPrivate: true);

        var table = await eve.RunAsync("search", "anything", "--room", secret.Name);
        var json = await eve.RunAsync("search", "anything", "--room", secret.Id, "-o", "json");

        Assert.True(table.ExitCode == 1, table.ToString());
        Assert.StartsWith("error: NOT_FOUND: ", table.Stderr);
        Assert.Equal(string.Empty, table.Stdout);
        Assert.True(json.ExitCode == 1, json.ToString());
        Assert.Equal(string.Empty, json.Stdout);
        Assert.Equal(5, JsonDocument.Parse(json.Stderr).RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task From_narrows_to_an_author_named_by_email_and_nothing_found_is_exit_0_with_a_note_on_stderr()
    {
        var word = Word();
        using var ann = await FilesUser.CreateAsync(server, "ann");
        using var bob = await FilesUser.CreateAsync(server, "bob");
        var room = await RoomWithAsync(ann, bob);
        var fromAnn = await server.SendAsync(room, $"{word} from ann", ann.Token);
        var fromBob = await server.SendAsync(room, $"{word} from bob", bob.Token);
        await WaitUntilFoundAsync(ann, word, fromAnn.Id, fromBob.Id);

        var byBob = await ann.RunAsync("search", word, "--from", bob.User.Email, "-o", "json");
        var nothing = await ann.RunAsync("search", Word());

        Assert.True(byBob.ExitCode == 0, byBob.ToString());
        Assert.Equal([fromBob.Id], byBob.Json().GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Equal(string.Empty, nothing.Stdout);
        Assert.Contains("No results.", nothing.Stderr);
    }

    [Fact]
    public async Task Limit_follows_the_page_tokens_and_says_when_there_are_more()
    {
        var word = Word();
        using var ann = await FilesUser.CreateAsync(server, "ann");
        var room = await RoomWithAsync(ann);
        var sent = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add((await server.SendAsync(room, $"{word} number {i}", ann.Token)).Id);
        }

        await WaitUntilFoundAsync(ann, word, [.. sent]);

        var three = await ann.RunAsync("search", word, "--limit", "3", "-o", "json");
        var table = await ann.RunAsync("search", word, "--limit", "3");

        Assert.True(three.ExitCode == 0, three.ToString());
        Assert.Equal(3, three.Json().GetProperty("results").GetArrayLength());
        Assert.NotEqual(string.Empty, three.Json().GetProperty("nextPageToken").GetString());
        Assert.Contains("More results than these 3: raise --limit to see them.", table.Stderr);
    }

    [Fact]
    public async Task Past_searches_are_listed_unless_left_out_and_cleared()
    {
        var kept = Word();
        var skipped = Word();
        using var ann = await FilesUser.CreateAsync(server, "ann");

        Assert.Equal(0, (await ann.RunAsync("search", kept)).ExitCode);
        Assert.Equal(0, (await ann.RunAsync("search", skipped, "--no-history")).ExitCode);
        var history = await ann.RunAsync("search", "--history", "-o", "json");
        var table = await ann.RunAsync("search", "--history");
        var clear = await ann.RunAsync("search", "--clear-history");
        var after = await ann.RunAsync("search", "--history", "-o", "json");

        Assert.True(history.ExitCode == 0, history.ToString());
        var queries = history.Json().GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("query").GetString()).ToList();
        Assert.Contains(kept, queries);
        Assert.DoesNotContain(skipped, queries);
        Assert.Contains(kept, table.Stdout);
        Assert.True(clear.ExitCode == 0, clear.ToString());
        Assert.StartsWith("Deleted your search history", clear.Stdout);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Empty(after.Json().GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task An_empty_query_is_a_usage_error_that_says_what_to_give()
    {
        var empty = await AtomCli.RunAsync(["search", "--server", server.Address]);
        var blank = await AtomCli.RunAsync(["search", "   ", "--server", server.Address]);

        foreach (var result in new[] { empty, blank })
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("error: QUERY is empty: give the words to search for", result.Stderr);
            Assert.Equal(string.Empty, result.Stdout);
        }
    }

    /// <summary>A word no other test uses, of letters only, so every tokenizer keeps it whole.</summary>
    private static string Word() => "zq" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    private async Task<Room> RoomWithAsync(params FilesUser[] members)
    {
        var room = await server.CreateRoomAsync("search");
        foreach (var member in members)
        {
            await server.AddMemberAsync(room, member.User, RoomRole.Member);
        }

        return room;
    }

    /// <summary>Waits until a keyword search as the user finds every one of the ids: indexing is a job that runs after the write.</summary>
    private async Task WaitUntilFoundAsync(FilesUser user, string word, params string[] ids)
    {
        using var channel = server.Channel(user.Token);
        var client = new SearchServiceClient(channel);
        var deadline = DateTime.UtcNow + IndexingDeadline;
        var found = new HashSet<string>();
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.SearchAsync(new SearchRequest { Query = word, Mode = SearchMode.Keyword, PageSize = 100, SkipHistory = true });
            found = response.Results.Select(r => r.Id).ToHashSet();
            if (ids.All(found.Contains))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"'{word}' found {string.Join(", ", found)} within {IndexingDeadline}, not all of {string.Join(", ", ids)}.");
    }
}
