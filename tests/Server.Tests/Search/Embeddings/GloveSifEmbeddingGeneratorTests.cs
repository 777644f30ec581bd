using System.Numerics.Tensors;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Embeddings.Internal;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>SIF over GloVe: unit vectors without the common component, zero for nothing known, one result per input, any number of threads.</summary>
public sealed class GloveSifEmbeddingGeneratorTests(ITestOutputHelper output)
{
    private static readonly string[] SmallVocabulary = ["the", "a", "of", "cat", "dog", "sat", "mat", "rug", "kitten", "revenue", "grew", "percent", "do", "not", "well-known", "cafe"];

    private static readonly WordVectorTable SmallTable = TestGlove.RandomTable(SmallVocabulary);

    private readonly GloveSifEmbeddingGenerator small = new(SmallTable);

    [Theory]
    [InlineData("the cat sat on the mat")]
    [InlineData("Revenue grew, 10 percent!")]
    [InlineData("don't")]
    [InlineData("Café")]
    public void A_text_with_known_words_is_a_unit_vector_without_the_common_component(string text)
    {
        var vector = new float[small.Dimensions];

        var known = small.Embed(text, vector);

        Assert.True(known > 0);
        Assert.Equal(1f, TensorPrimitives.Norm(vector), 4);
        Assert.Equal(0f, TensorPrimitives.Dot(vector, SmallTable.CommonComponent), 4);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("😀🎉")]
    [InlineData("東京で会議")]
    [InlineData("2024 1,000 3.5")]
    [InlineData("zyxxy qwopp")]
    public async Task A_text_with_no_known_word_is_the_zero_vector(string text)
    {
        var embeddings = await small.GenerateAsync([text]);

        Assert.Equal(0, small.Embed(text, new float[small.Dimensions]));
        Assert.True(embeddings[0].IsZero());
        Assert.Equal(small.Dimensions, embeddings[0].Dimensions);
    }

    [Fact]
    public async Task A_batch_gives_one_embedding_per_text_in_order()
    {
        string[] texts = ["cat sat", "", "revenue grew", "cat sat"];

        var embeddings = await small.GenerateAsync(texts);

        Assert.Equal(4, embeddings.Count);
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[3].Vector.ToArray());
        Assert.True(embeddings[1].IsZero());
        Assert.False(embeddings[2].IsZero());
        Assert.All(embeddings, e => Assert.Equal(GloveSifEmbeddingGenerator.ModelId, e.ModelId));
        Assert.Equal(6, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Frequent_words_weigh_less_than_rare_ones()
    {
        // "the" is rank 1 (weight ≈ 0.003 at this vocabulary's p), "kitten" far rarer: adding "the" barely moves the vector.
        var embeddings = await small.GenerateAsync(["kitten", "the kitten", "rug kitten"]);

        var withThe = TensorPrimitives.Dot(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var withRug = TensorPrimitives.Dot(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.True(withThe > withRug, $"cos(kitten, the kitten) = {withThe}, cos(kitten, rug kitten) = {withRug}");
    }

    [Fact]
    public async Task Asking_for_other_dimensions_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => small.GenerateAsync(["cat"], new EmbeddingGenerationOptions { Dimensions = 1536 }));
        await small.GenerateAsync(["cat"], new EmbeddingGenerationOptions { Dimensions = small.Dimensions });
    }

    [Fact]
    public void Metadata_gives_the_provider_model_and_dimensions()
    {
        var metadata = small.GetService<EmbeddingGeneratorMetadata>();

        Assert.Equal((GloveSifEmbeddingGenerator.ProviderName, GloveSifEmbeddingGenerator.ModelId, 16), (metadata!.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions));
        Assert.Same(small, small.GetService<GloveSifEmbeddingGenerator>());
        Assert.Null(small.GetService<EmbeddingGeneratorMetadata>("key"));
    }

    [Fact]
    public async Task Many_threads_at_once_get_what_one_thread_gets()
    {
        var texts = Enumerable.Range(0, 400).Select(i => string.Join(' ', SmallVocabulary.Where((_, k) => ((i >> (k % 8)) & 1) == 1))).ToArray();
        var expected = (await small.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToArray();

        // Each thread embeds the texts in its own rotation, so different texts are in flight at the same moment.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var order = Enumerable.Range(0, texts.Length).Select(i => (i + t * 37) % texts.Length).ToArray();
            var embeddings = await small.GenerateAsync(order.Select(i => texts[i]));
            return order.Zip(embeddings, (i, e) => (Index: i, Vector: e.Vector.ToArray())).ToArray();
        })));

        Assert.All(results.SelectMany(r => r), r => Assert.Equal(expected[r.Index], r.Vector));
    }

    [Fact]
    public void A_missing_file_throws_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => new GloveSifEmbeddingGenerator(Path.Combine(Path.GetTempPath(), "no-such-glove.bin")));
    }

    [GloveFact]
    public async Task On_the_real_vectors_related_sentences_are_closer_than_unrelated_ones()
    {
        // Each row: a sentence, a paraphrase with mostly different words, and an unrelated sentence.
        string[][] triples =
        [
            ["the cat sat on the mat", "a kitten rested on the rug", "quarterly revenue grew by ten percent"],
            ["the server crashed after the database ran out of disk space", "our database machine went down because the storage was full", "we are planning a team lunch on friday"],
            ["can you review my pull request before the release", "please look over my code changes before we ship", "the weather in paris was sunny and warm"],
            ["the flight to london was delayed by three hours", "our plane to england left very late", "the recipe needs two cups of flour and sugar"],
            ["how do i reset my password", "i forgot my login credentials and cannot sign in", "the football match ended in a draw"],
            ["the meeting is moved to thursday afternoon", "we rescheduled the call to later this week", "the patient was given antibiotics for the infection"],
            ["sales increased strongly in the third quarter", "revenue grew a lot during the last three months", "the kitten chased a ball of yarn"],
            ["the doctor prescribed medicine for her fever", "the physician gave her drugs to treat the illness", "the stock market fell sharply today"],
            ["the invoice has not been paid yet", "the customer still owes us money for the bill", "the children played in the garden"],
            ["deploy the new version to production tonight", "release the update to the live servers this evening", "my grandmother bakes delicious apple pies"],
        ];
        var glove = TestGlove.Real;

        foreach (var triple in triples)
        {
            var e = await glove.GenerateAsync(triple);
            var related = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span);
            var unrelated = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[2].Vector.Span);
            output.WriteLine($"{related,6:0.000} vs {unrelated,6:0.000}  \"{triple[0]}\" ~ \"{triple[1]}\" / \"{triple[2]}\"");
            Assert.True(related > unrelated + 0.2f, $"\"{triple[0]}\": related {related:0.000}, unrelated {unrelated:0.000}");
        }
    }

    [GloveFact]
    public async Task On_the_real_vectors_clitics_and_diacritics_reach_their_words()
    {
        var e = await TestGlove.Real.GenerateAsync(["I don't like the café", "i do not like the cafe", "Zürich's naïve résumé", "zurich naive resume"]);

        Assert.Equal(1f, TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span), 4);
        Assert.Equal(1f, TensorPrimitives.CosineSimilarity(e[2].Vector.Span, e[3].Vector.Span), 4);
        Assert.Equal(100, TestGlove.Real.Dimensions);
        Assert.Equal(100, TestGlove.Real.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
    }
}
