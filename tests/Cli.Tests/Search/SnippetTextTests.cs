using Atom.Cli.Search;
using Atom.V1;

namespace Atom.Cli.Tests.Search;

public sealed class SnippetTextTests
{
    private const string On = "<";

    [Fact]
    public void The_spans_the_server_marked_are_styled_and_the_rest_left_as_it_is()
    {
        var line = SnippetText.Render(Snippet("the deploy is failing on staging", (4, 6), (14, 7)), On);

        Assert.Equal("the <deploy\u001b[0m is <failing\u001b[0m on staging", line);
    }

    [Fact]
    public void Without_a_style_the_text_is_plain()
    {
        Assert.Equal("the deploy", SnippetText.Render(Snippet("the deploy", (4, 6)), string.Empty));
    }

    [Fact]
    public void Spans_count_utf16_code_units_so_an_emoji_before_a_match_takes_two()
    {
        // "🚀" is one character to people and two UTF-16 code units (a surrogate pair): "launch" starts at 3.
        var text = "🚀 launch at noon";

        Assert.Equal([(3, 9)], SnippetText.Spans(text, [Span(3, 6)]));
        Assert.Equal("🚀 <launch\u001b[0m at noon", SnippetText.Render(Snippet(text, (3, 6)), On));
    }

    [Fact]
    public void A_span_that_cuts_a_surrogate_pair_in_half_grows_to_the_whole_character()
    {
        var text = "go 🚀 now";

        // Starts on the low surrogate, ends after the high one: either way the whole emoji is marked, never half.
        Assert.Equal([(3, 5)], SnippetText.Spans(text, [Span(4, 1)]));
        Assert.Equal([(3, 5)], SnippetText.Spans(text, [Span(3, 1)]));
        Assert.Equal("go <🚀\u001b[0m now", SnippetText.Render(Snippet(text, (4, 1)), On));
    }

    [Fact]
    public void A_span_grows_over_an_emojis_modifier_and_a_letters_accent()
    {
        // 👍🏽 is two surrogate pairs (thumb, skin tone); "é" here is e + U+0301 COMBINING ACUTE ACCENT.
        var thumb = "ok 👍🏽 done";
        var accent = "cafe\u0301 open";

        Assert.Equal([(3, 7)], SnippetText.Spans(thumb, [Span(3, 2)]));
        Assert.Equal([(0, 5)], SnippetText.Spans(accent, [Span(0, 4)]));
    }

    [Fact]
    public void Spans_out_of_order_overlapping_or_past_the_end_are_sorted_joined_and_clipped()
    {
        var text = "alpha beta gamma";

        var spans = SnippetText.Spans(text, [Span(11, 100), Span(0, 5), Span(3, 4), Span(-2, 1), Span(6, 0), Span(40, 2)]);

        Assert.Equal([(0, 7), (11, 16)], spans);
    }

    [Fact]
    public void Control_characters_cannot_reach_the_terminal_and_the_spans_still_line_up()
    {
        // An escape sequence in a message would restyle the searcher's terminal; a line break would break the layout.
        var text = "line one\nred \u001b[31malert\u001b[0m";

        var line = SnippetText.Render(Snippet(text, (18, 5)), On);

        Assert.Equal("line one red \uFFFD[31m<alert\u001b[0m\uFFFD[0m", line);
    }

    private static TextSpan Span(int start, int length) => new() { Start = start, Length = length };

    private static Snippet Snippet(string text, params (int Start, int Length)[] highlights)
    {
        var snippet = new Snippet { Text = text };
        snippet.Highlights.Add(highlights.Select(h => Span(h.Start, h.Length)));
        return snippet;
    }
}
