using System.Numerics.Tensors;
using Atom.Server.Search.Vectors;

namespace Atom.Benchmarks.VectorBench;

/// <summary>
/// Synthetic embeddings: clustered 100-d vectors (topics with spread, as sentence embeddings are), and payloads in which
/// a tenth of the points share each of ten rooms and a hundredth belong to one user, for the selective filters.
/// </summary>
public sealed class VectorData
{
    public const string Tenant = "t1";

    /// <summary>The scope a tenth of the points have.</summary>
    public const string TenthScope = "room:3";

    /// <summary>The scope a hundredth of the points have.</summary>
    public const string HundredthScope = "user:42";

    // Within a topic, points spread this far (per component) around a centre whose components are of size 1: topics
    // overlap, as embeddings of related sentences do.
    private const double Spread = 1.0;

    private VectorData(float[][] points, float[][] queries)
    {
        Points = points;
        Queries = queries;
    }

    public float[][] Points { get; }

    public float[][] Queries { get; }

    public static VectorData Generate(int count, int dimensions, int queries, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, Math.Max(count / 100, 10)).Select(_ => Gaussian(random, dimensions, 1.0)).ToArray();
        var points = new float[count][];
        for (var i = 0; i < count; i++)
        {
            points[i] = Gaussian(random, dimensions, Spread);
            TensorPrimitives.Add(points[i], centres[random.Next(centres.Length)], points[i]);
        }

        // Queries drawn like the points but not among them: near a topic, with no stored twin to find.
        var fresh = new float[queries][];
        for (var i = 0; i < queries; i++)
        {
            fresh[i] = Gaussian(random, dimensions, Spread);
            TensorPrimitives.Add(fresh[i], centres[random.Next(centres.Length)], fresh[i]);
        }

        return new VectorData(points, fresh);
    }

    public static string Id(int i) => $"m{i}#0";

    public static VectorPayload Payload(int i) =>
        new(Tenant, $"m{i}", i % 100 == 42 ? HundredthScope : $"room:{i % 10}", i % 3 == 0 ? "file" : "message", 1_700_000_000_000 + i, string.Empty);

    public VectorPoint Point(int i) => new(Id(i), Points[i], Payload(i));

    private static float[] Gaussian(Random random, int dimensions, double sigma)
    {
        var v = new float[dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return v;
    }
}
