using Atom.Server.Search.Embeddings.Internal;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>Text to GloVe's word forms: lower case, ASCII where Latin letters carry marks, hyphens and apostrophes only inside words.</summary>
public sealed class WordTokenizerTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("   \t\r\n ", new string[0])]
    [InlineData("?!… --- '' \"\" (…) ###", new string[0])]
    [InlineData("😀🎉👍🏽 ❤️", new string[0])]
    [InlineData("The Cat SAT.", new[] { "the", "cat", "sat" })]
    [InlineData("well-known, so-called; state-of-the-art", new[] { "well-known", "so-called", "state-of-the-art" })]
    [InlineData("-leading trailing- --double-- a--b", new[] { "leading", "trailing", "double", "a", "b" })]
    [InlineData("don't they’re O'Neill 'quoted' rock'n'roll", new[] { "don't", "they're", "o'neill", "quoted", "rock'n'roll" })]
    [InlineData("Café naïve Zürich São-Paulo straße Œuvre Łódź", new[] { "cafe", "naive", "zurich", "sao-paulo", "strasse", "oeuvre", "lodz" })]
    [InlineData("cafe\u0301 decomposed", new[] { "cafe", "decomposed" })]
    [InlineData("2024 3.5 1,000 g20 covid-19 mid-1990s", new[] { "2024", "3", "5", "1", "000", "g20", "covid-19", "mid-1990s" })]
    [InlineData("https://example.com/path?q=chat_room#top", new[] { "https", "example", "com", "path", "q", "chat", "room", "top" })]
    [InlineData("東京で会議 Привет мир", new[] { "東京で会議", "привет", "мир" })]
    [InlineData("cat😀dog", new[] { "cat", "dog" })]
    public void Splits_text_into_lower_case_word_forms(string text, string[] expected)
    {
        Assert.Equal(expected, Tokens(text));
    }

    [Fact]
    public void A_run_longer_than_any_word_is_skipped_whole_and_the_text_goes_on()
    {
        var text = "before " + new string('x', WordTokenizer.MaxTokenLength + 1) + " after " + new string('y', WordTokenizer.MaxTokenLength);

        Assert.Equal(["before", "after", new string('y', WordTokenizer.MaxTokenLength)], Tokens(text));
    }

    [Fact]
    public void A_lone_surrogate_separates_instead_of_throwing()
    {
        Assert.Equal(["ab", "cd", "ef"], Tokens("ab\uD83Dcd\uDE00ef"));
    }

    [Fact]
    public void A_megabyte_of_text_is_tokenized_in_one_pass()
    {
        var text = string.Concat(Enumerable.Repeat("Chat messages, files and transcripts! ", 30_000));

        var tokens = Tokens(text);

        Assert.Equal(5 * 30_000, tokens.Count);
        Assert.Equal(["chat", "messages", "files", "and", "transcripts"], tokens.Take(5));
    }

    [Fact]
    public void A_buffer_shorter_than_the_longest_token_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new WordTokenizer("x", new char[WordTokenizer.MaxTokenLength - 1]));
    }

    internal static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var tokenizer = new WordTokenizer(text, new char[WordTokenizer.MaxTokenLength]);
        while (tokenizer.MoveNext(out var token))
        {
            tokens.Add(token.ToString());
        }

        return tokens;
    }
}
