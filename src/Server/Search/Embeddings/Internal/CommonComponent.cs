using System.Numerics.Tensors;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// The common component of SIF (Arora, Liang, Ma 2017): the first principal direction of sentence embeddings, which carries
/// what all sentences share (mostly frequency and syntax) and is removed from each one. The paper takes it from the
/// embeddings of a corpus; there is none to ship here, so it is computed from the vocabulary itself as the principal
/// direction those embeddings would have: a sentence of n words drawn from p(w) has the (uncentred) second moment
/// <c>E[s sᵀ] = μμᵀ + (S − μμᵀ)/n</c> with <c>μ = Σ p(w)·c(w)·v(w)</c> and <c>S = Σ p(w)·c(w)²·v(w)v(w)ᵀ</c>, c(w) = a/(a+p(w))
/// the SIF weight. Its top eigenvector (power iteration) is the common component. Only words with a letter or digit count,
/// as the tokenizer yields no others; n is <see cref="SentenceLength"/>, a chat message's length in known words.
/// </summary>
internal static class CommonComponent
{
    /// <summary>The sentence length the second moment assumes.</summary>
    public const int SentenceLength = 10;

    /// <summary>The method, as the converter records it in the file's source description.</summary>
    public const string Description = "common component: top eigenvector of E[ssᵀ] for 10-word sentences drawn from p(w)";

    /// <summary>Computes the unit common component of <paramref name="words"/>' vectors.</summary>
    public static float[] Compute(string[] words, float[] probabilities, float[] vectors, int dimensions, float a)
    {
        var mean = new double[dimensions];
        var moment = new double[dimensions * dimensions];
        var row = new float[dimensions];
        var scaled = new float[dimensions];
        var outer = new float[dimensions * dimensions];
        var mass = 0.0;
        for (var i = 0; i < words.Length; i++)
        {
            if (!HasLetterOrDigit(words[i]))
            {
                continue;
            }

            var p = probabilities[i];
            var weight = a / (a + p);
            mass += p;
            vectors.AsSpan(i * dimensions, dimensions).CopyTo(row);
            for (var d = 0; d < dimensions; d++)
            {
                mean[d] += p * weight * row[d];
            }

            // Accumulating S row by row in float, flushed to double every 4096 words, keeps the sum both fast and exact enough.
            TensorPrimitives.Multiply(row, p * weight * weight, scaled);
            for (var d = 0; d < dimensions; d++)
            {
                var target = outer.AsSpan(d * dimensions, dimensions);
                TensorPrimitives.MultiplyAdd(scaled, row[d], target, target);
            }

            if ((i & 4095) == 4095)
            {
                Flush(outer, moment);
            }
        }

        Flush(outer, moment);
        for (var d = 0; d < dimensions; d++)
        {
            mean[d] /= mass;
        }

        var second = new double[dimensions * dimensions];
        for (var r = 0; r < dimensions; r++)
        {
            for (var c = 0; c < dimensions; c++)
            {
                var mm = mean[r] * mean[c];
                second[r * dimensions + c] = mm + (moment[r * dimensions + c] / mass - mm) / SentenceLength;
            }
        }

        return TopEigenvector(second, mean, dimensions);
    }

    private static void Flush(float[] outer, double[] moment)
    {
        for (var k = 0; k < outer.Length; k++)
        {
            moment[k] += outer[k];
        }

        Array.Clear(outer);
    }

    private static float[] TopEigenvector(double[] matrix, double[] start, int dimensions)
    {
        var x = (double[])start.Clone();
        var next = new double[dimensions];
        Normalize(x);
        for (var iteration = 0; iteration < 1000; iteration++)
        {
            for (var r = 0; r < dimensions; r++)
            {
                var sum = 0.0;
                for (var c = 0; c < dimensions; c++)
                {
                    sum += matrix[r * dimensions + c] * x[c];
                }

                next[r] = sum;
            }

            Normalize(next);
            var change = 0.0;
            for (var d = 0; d < dimensions; d++)
            {
                change = Math.Max(change, Math.Abs(next[d] - x[d]));
            }

            (x, next) = (next, x);
            if (change < 1e-9)
            {
                break;
            }
        }

        return Array.ConvertAll(x, v => (float)v);
    }

    private static void Normalize(double[] x)
    {
        var norm = Math.Sqrt(x.Sum(v => v * v));
        for (var d = 0; d < x.Length; d++)
        {
            x[d] /= norm;
        }
    }

    private static bool HasLetterOrDigit(string word)
    {
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }
}
