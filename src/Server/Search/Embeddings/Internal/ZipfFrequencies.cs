namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Word probabilities from rank alone. The wink package gives GloVe's vocabulary in frequency order but no counts, so
/// p(w) is Zipf's law with exponent 1 over the ranks: p(r) = 1 / (r · H(N)), H(N) the N-th harmonic number. For GloVe
/// 6B's 341,479 words that gives p("the") ≈ 0.075 and p = 1e-3 (SIF's a, where a word's weight is halved) at rank 75,
/// the order of magnitude of real English counts; past a few thousand ranks every weight is ≈ 1 whatever the exact law.
/// </summary>
internal static class ZipfFrequencies
{
    /// <summary>The method, as the converter records it in the file's source description.</summary>
    public const string Description = "p(w) = 1/(rank·H(N)) (Zipf, exponent 1, from the file's frequency order)";

    /// <summary>Returns p for ranks 1 to <paramref name="count"/>, most frequent first.</summary>
    public static float[] Estimate(int count)
    {
        var harmonic = 0.0;
        for (var rank = count; rank >= 1; rank--)
        {
            harmonic += 1.0 / rank;
        }

        var probabilities = new float[count];
        for (var i = 0; i < count; i++)
        {
            probabilities[i] = (float)(1.0 / ((i + 1) * harmonic));
        }

        return probabilities;
    }
}
