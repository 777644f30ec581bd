using Atom.Cli.Search;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Tests.Search;

public sealed class SearchResultTextTests
{
    private static readonly Timestamp Created = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 22, 1, 18, 43, TimeSpan.Zero));

    [Fact]
    public void A_message_shows_its_room_sequence_author_time_passage_and_how_to_open_it_in_context()
    {
        var result = new SearchResult
        {
            Kind = SearchResultKind.Message,
            Id = "msg1",
            Title = "design",
            RoomId = "room1",
            Sequence = 12,
            CreateTime = Created,
            Match = MatchReason.Keyword,
            Snippets = { new Snippet { Text = "the deploy is failing", Highlights = { new TextSpan { Start = 4, Length = 6 } } } },
        };

        var lines = SearchResultText.Lines(result, "Ann Lee", TextStyle.Plain).ToArray();

        Assert.Equal(
            [
                "message  design #12  Ann Lee  2026-11-22 01:18:43Z",
                "  the deploy is failing",
                "  atom history room1 --before 13",
            ],
            lines);
    }

    [Fact]
    public void A_file_shows_its_name_and_type_and_the_command_that_shows_it()
    {
        var result = new SearchResult
        {
            Kind = SearchResultKind.File,
            Id = "file1",
            Title = "report.pdf",
            MediaType = "application/pdf",
            CreateTime = Created,
            Match = MatchReason.Semantic,
            Snippets = { new Snippet { Text = "quarterly revenue" } },
        };

        var lines = SearchResultText.Lines(result, "bob@acme.test", TextStyle.Color).ToArray();

        Assert.Equal(
            [
                $"file     {Terminal.Bold}report.pdf (application/pdf){Terminal.Plain}  bob@acme.test  2026-11-22 01:18:43Z  (by meaning)",
                "  quarterly revenue",
                $"  {Terminal.Dim}atom files show file1{Terminal.Plain}",
            ],
            lines);
    }

    [Fact]
    public void A_name_with_escape_codes_is_printed_harmless()
    {
        var result = new SearchResult { Kind = SearchResultKind.File, Id = "f", Title = "evil\u001b[2J.txt", CreateTime = Created };

        Assert.DoesNotContain('\u001b', SearchResultText.Lines(result, "mallory\u001b]0;pwned\u0007", TextStyle.Plain).First());
    }
}
