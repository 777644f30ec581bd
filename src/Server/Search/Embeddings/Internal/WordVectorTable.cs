using System.Numerics.Tensors;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>A word-vector table as <see cref="WordVectorFile"/> stores it: int8 rows, each with its own scale.</summary>
/// <param name="Source">Where the vectors came from and how p(w) was estimated.</param>
/// <param name="Dimensions">The vector length.</param>
/// <param name="Words">The words, most frequent first.</param>
/// <param name="Probabilities">The estimated unigram probability of each word.</param>
/// <param name="CommonComponent">The unit vector SIF removes from every sentence embedding; all zeros for none.</param>
/// <param name="Scales">Row i's components are its int8 values times <c>Scales[i]</c>.</param>
/// <param name="Vectors">The quantized vectors, one row of <paramref name="Dimensions"/> per word.</param>
/// <param name="SifA">The SIF parameter a the common component was computed with.</param>
internal sealed record WordVectorTable(
    string Source, int Dimensions, string[] Words, float[] Probabilities, float[] CommonComponent, float[] Scales, sbyte[] Vectors, float SifA)
{
    /// <summary>Gets the number of words.</summary>
    public int Count => Words.Length;

    /// <summary>Gets word <paramref name="index"/>'s quantized vector.</summary>
    public ReadOnlySpan<sbyte> Row(int index) => Vectors.AsSpan(index * Dimensions, Dimensions);

    /// <summary>Quantizes float rows symmetrically: each row's largest magnitude becomes ±127.</summary>
    public static (float[] Scales, sbyte[] Vectors) Quantize(float[] vectors, int dimensions)
    {
        var count = vectors.Length / dimensions;
        var scales = new float[count];
        var quantized = new sbyte[vectors.Length];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * dimensions, dimensions);
            // MaxMagnitude keeps the sign of the element it picks: the scale must not.
            var scale = MathF.Abs(TensorPrimitives.MaxMagnitude(row)) / 127f;
            scales[i] = scale;
            if (scale == 0)
            {
                continue;
            }

            for (var d = 0; d < dimensions; d++)
            {
                quantized[i * dimensions + d] = (sbyte)Math.Clamp(MathF.Round(row[d] / scale), -127, 127);
            }
        }

        return (scales, quantized);
    }
}
