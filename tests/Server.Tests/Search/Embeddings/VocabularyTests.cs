using Atom.Server.Search.Embeddings.Internal;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>Tokens to GloVe's words where its vocabulary splits differently: compounds by part, English clitics as their words.</summary>
public sealed class VocabularyTests
{
    private static readonly string[] Known =
        ["the", "not", "are", "have", "will", "would", "am", "do", "ca", "wo", "they", "it", "we", "i", "state", "of", "art", "well-known", "oneill", "rock", "roll", "cat"];

    private static readonly Vocabulary Words = new(Known);

    [Theory]
    [InlineData("cat", "cat")]
    [InlineData("well-known", "well-known")]
    [InlineData("state-of-the-art", "state of the art")]
    [InlineData("cat-dog-bird", "cat")]
    [InlineData("don't", "do not")]
    [InlineData("can't", "ca not")]
    [InlineData("won't", "wo not")]
    [InlineData("they're", "they are")]
    [InlineData("we've", "we have")]
    [InlineData("it'll", "it will")]
    [InlineData("they'd", "they would")]
    [InlineData("i'm", "i am")]
    [InlineData("cat's", "cat")]
    [InlineData("o'neill", "oneill")]
    [InlineData("rock'n'roll", "rock roll")]
    [InlineData("it's-the-cat's", "it the cat")]
    [InlineData("unknown", "")]
    [InlineData("unknown's", "")]
    [InlineData("isn't", "not")]
    public void Resolves_a_token_to_the_words_GloVe_has(string token, string expected)
    {
        Span<int> indexes = stackalloc int[Vocabulary.MaxIndexesPerToken];
        var count = Words.Resolve(token, indexes);

        var words = new List<string>();
        foreach (var index in indexes[..count])
        {
            words.Add(Known[index]);
        }

        Assert.Equal(expected, string.Join(' ', words));
    }

    [Fact]
    public void The_longest_token_of_one_letter_parts_fits_its_index_buffer()
    {
        var vocabulary = new Vocabulary(["x"]);
        var token = string.Join('-', Enumerable.Repeat("x", WordTokenizer.MaxTokenLength / 2 + 1))[..WordTokenizer.MaxTokenLength];
        Span<int> indexes = stackalloc int[Vocabulary.MaxIndexesPerToken];

        Assert.Equal(WordTokenizer.MaxTokenLength / 2, vocabulary.Resolve(token, indexes));
    }
}
