using System.CommandLine;
using Atom.Cli.Commands;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

/// <summary>What <c>atom search</c> makes of its command line, without a server.</summary>
public sealed class SearchArgumentsTests
{
    private readonly SearchCommand.SearchArguments _arguments = new();

    [Fact]
    public void Words_are_one_query_and_every_filter_goes_into_the_request()
    {
        var result = Parse("search", "release", "plan", "--in", "files", "--room", "design", "--room", "ops", "--type", "pdf", "--type", "image",
            "--since", "2026-11-01", "--until", "2026-11-20T12:00Z", "--mode", "keyword", "--no-history");

        var request = _arguments.Request(result);

        Assert.Equal("release plan", request.Query);
        Assert.Equal([SearchScope.Files], request.Scopes);
        Assert.Equal(["design", "ops"], request.Filter.RoomIds);
        Assert.Equal(["pdf", "image"], request.Filter.FileTypes);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), request.Filter.CreatedAfter.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero), request.Filter.CreatedBefore.ToDateTimeOffset());
        Assert.Equal(SearchMode.Keyword, request.Mode);
        Assert.True(request.SkipHistory);
    }

    [Fact]
    public void Without_options_the_server_decides_mode_and_scopes()
    {
        var request = _arguments.Request(Parse("search", "deploy"));

        Assert.Equal("deploy", request.Query);
        Assert.Equal(SearchMode.Unspecified, request.Mode);
        Assert.Empty(request.Scopes);
        Assert.Empty(request.Filter.RoomIds);
        Assert.Null(request.Filter.CreatedAfter);
        Assert.False(request.SkipHistory);
    }

    [Fact]
    public void A_word_after_an_option_value_is_part_of_the_query_and_scopes_take_commas()
    {
        var request = _arguments.Request(Parse("search", "--room", "design", "deploy", "--in", "messages,files,messages", "failing"));

        Assert.Equal("deploy failing", request.Query);
        Assert.Equal(["design"], request.Filter.RoomIds);
        Assert.Equal([SearchScope.Messages, SearchScope.Files], request.Scopes);
    }

    [Fact]
    public void Query_syntax_passes_through_and_a_leading_dash_needs_a_double_dash()
    {
        var request = _arguments.Request(Parse("search", "--", "-draft", "\"release plan\"", "deplo*"));

        Assert.Equal("-draft \"release plan\" deplo*", request.Query);
    }

    [Fact]
    public void History_flags_parse_without_a_query()
    {
        Assert.Empty(Parse("search", "--history").Errors);
        Assert.Empty(Parse("search", "--history", "--limit", "5").Errors);
        Assert.Empty(Parse("search", "--clear-history").Errors);
    }

    [Theory]
    [InlineData("QUERY is empty", "search")]
    [InlineData("QUERY is empty", "search", "")]
    [InlineData("QUERY is empty", "search", "  ", "--room", "design")]
    [InlineData("--in 'chats' is not something to search: use messages|files", "search", "x", "--in", "chats")]
    [InlineData("--mode 'fuzzy' is not a search mode: use hybrid|keyword|semantic", "search", "x", "--mode", "fuzzy")]
    [InlineData("--type narrows files", "search", "x", "--in", "messages", "--type", "pdf")]
    [InlineData("--since must be before --until", "search", "x", "--since", "2026-11-02", "--until", "2026-11-01")]
    [InlineData("--limit must be 1 or more", "search", "x", "--limit", "0")]
    [InlineData("--room is empty", "search", "x", "--room", " ")]
    [InlineData("--history takes no QUERY", "search", "--history", "deploy")]
    [InlineData("--history does not take --room", "search", "--history", "--room", "design")]
    [InlineData("--clear-history does not take --no-history", "search", "--clear-history", "--no-history")]
    [InlineData("--clear-history deletes all of it: it takes no --limit", "search", "--clear-history", "--limit", "3")]
    [InlineData("--history and --clear-history do not go together", "search", "--history", "--clear-history")]
    public void What_cannot_be_searched_is_a_usage_error_that_says_why(string error, params string[] args)
    {
        var result = Parse(args);

        Assert.Contains(result.Errors, e => e.Message.Contains(error, StringComparison.Ordinal));
    }

    private ParseResult Parse(params string[] args)
    {
        var root = new RootCommand { _arguments.Command() };
        new GlobalOptions().AddTo(root);
        return root.Parse(args);
    }
}
