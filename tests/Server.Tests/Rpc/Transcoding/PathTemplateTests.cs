using Atom.Server.Rpc.Internal.Transcoding;

namespace Atom.Server.Tests.Rpc.Transcoding;

public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("/v1/server/info", 3, 0, null)]
    [InlineData("/v1/echo/{message}", 3, 1, null)]
    [InlineData("/v1/{name=shelves/*/books/*}", 5, 1, null)]
    [InlineData("/v1/files/{path=**}", 3, 1, null)]
    [InlineData("/v1/jobs/{id}:cancel", 3, 1, "cancel")]
    [InlineData("/v1/*/items/**", 4, 0, null)]
    [InlineData("/v1/items/{item.id}/{item.count}", 4, 2, null)]
    public void Valid_templates_parse(string text, int segments, int variables, string? verb)
    {
        var template = PathTemplate.Parse(text);

        Assert.Equal(segments, template.Segments.Count);
        Assert.Equal(variables, template.Variables.Count);
        Assert.Equal(verb, template.Verb);
    }

    [Theory]
    [InlineData("", "starts with '/'")]
    [InlineData("v1/echo", "starts with '/'")]
    [InlineData("/v1//echo", "empty")]
    [InlineData("/v1/echo/", "segment is expected")]
    [InlineData("/v1/{message", "not closed")]
    [InlineData("/v1/{a={b}}", "do not nest")]
    [InlineData("/v1/{1abc}", "not a field path")]
    [InlineData("/v1/{a..b}", "not a field path")]
    [InlineData("/v1/**/tail", "'**' must be the last segment")]
    [InlineData("/v1/{a}/{a}", "bound twice")]
    [InlineData("/v1/jobs:", "verb")]
    [InlineData("/v1/a*b", "unexpected '*'")]
    public void Invalid_templates_fail_saying_why(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PathTemplate.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(text.Length == 0 ? "''" : text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_segment_variables_are_percent_decoded()
    {
        var template = PathTemplate.Parse("/v1/echo/{message}");

        Assert.True(template.TryMatch(["v1", "echo", "a%20b%2Fc"], null, out var values));
        Assert.Equal("a b/c", values[0]);
    }

    [Fact]
    public void Deep_wildcards_keep_slashes_and_leave_encoded_slashes_encoded()
    {
        var template = PathTemplate.Parse("/v1/files/{path=**}");

        Assert.True(template.TryMatch(["v1", "files", "a", "b%20c", "d%2Fe"], null, out var values));
        Assert.Equal("a/b c/d%2Fe", values[0]);
        Assert.True(template.TryMatch(["v1", "files"], null, out values));
        Assert.Equal(string.Empty, values[0]);
    }

    [Fact]
    public void Literals_wildcards_and_verbs_must_match()
    {
        var template = PathTemplate.Parse("/v1/{name=shelves/*}/books:cancel");

        Assert.True(template.TryMatch(["v1", "shelves", "s1", "books"], "cancel", out var values));
        Assert.Equal("shelves/s1", values[0]);
        Assert.False(template.TryMatch(["v1", "shelves", "s1", "books"], null, out _));
        Assert.False(template.TryMatch(["v1", "shelves", "s1", "books"], "other", out _));
        Assert.False(template.TryMatch(["v1", "racks", "s1", "books"], "cancel", out _));
        Assert.False(template.TryMatch(["v1", "shelves", "", "books"], "cancel", out _));
        Assert.False(template.TryMatch(["v1", "shelves", "s1"], "cancel", out _));
    }
}
