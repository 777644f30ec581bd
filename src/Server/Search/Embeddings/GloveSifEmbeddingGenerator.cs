using System.Numerics.Tensors;
using Atom.Server.Search.Embeddings.Internal;
using Microsoft.Extensions.AI;

namespace Atom.Server.Search.Embeddings;

/// <summary>
/// The embedded default: a text's embedding is the SIF-weighted average of its words' GloVe vectors (Arora, Liang, Ma,
/// "A Simple but Tough-to-Beat Baseline for Sentence Embeddings", 2017). Each known word w adds a/(a+p(w)) times its vector,
/// so frequent words count for little; the file's common component is projected out; the result is L2-normalized, so a dot
/// product is the cosine. Unknown words are skipped. A text with no known word (empty, emoji only, another script, bare
/// numbers) gets the zero vector: it has no semantic signal, and <see cref="EmbeddingExtensions.IsZero"/> tells a caller
/// to rely on keywords for it.
/// </summary>
/// <remarks>
/// The vectors come from the file <c>./build.sh</c> makes with <c>tests/scripts/glove.sh</c> (see <see cref="GloveEmbeddingOptions"/>).
/// Instances are immutable after loading and safe to use from any number of threads; embedding a text allocates only its
/// result. Vectors are computed synchronously on the calling thread: a few microseconds for a chat message, under 100 µs for a page.
/// </remarks>
public sealed class GloveSifEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in <see cref="EmbeddingGeneratorMetadata"/> and the component catalog.</summary>
    public const string ProviderName = "glove-sif";

    /// <summary>The model id set on every embedding.</summary>
    public const string ModelId = "glove-100d-sif";

    private readonly WordVectorTable table;
    private readonly Vocabulary vocabulary;
    private readonly float[] weights;
    private readonly float[] common;
    private readonly EmbeddingGeneratorMetadata metadata;

    /// <summary>Loads the word-vector file at <paramref name="path"/>.</summary>
    /// <param name="path">A file written by <c>Atom.Server embeddings convert</c>.</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a word-vector file of this version, or not whole.</exception>
    public GloveSifEmbeddingGenerator(string path)
        : this(WordVectorFile.Read(path), Path.GetFullPath(path))
    {
    }

    internal GloveSifEmbeddingGenerator(WordVectorTable table, string? path = null)
    {
        this.table = table;
        vocabulary = new Vocabulary(table.Words);
        // Each row's quantization scale folds into its SIF weight: one multiply per word instead of two.
        weights = new float[table.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = table.SifA / (table.SifA + table.Probabilities[i]) * table.Scales[i];
        }

        common = table.CommonComponent;
        Source = table.Source;
        metadata = new EmbeddingGeneratorMetadata(ProviderName, path is null ? null : new Uri(path), ModelId, table.Dimensions);
    }

    /// <summary>Gets the length of every embedding (100 for GloVe 100-d).</summary>
    public int Dimensions => table.Dimensions;

    /// <summary>Gets the number of words with a vector.</summary>
    public int VocabularySize => table.Count;

    /// <summary>Gets where the vectors came from and how word probabilities and the common component were estimated.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimensions)
        {
            throw new ArgumentException($"{ProviderName} embeddings have {Dimensions} dimensions; {requested} were requested.", nameof(options));
        }

        var texts = values as IReadOnlyList<string> ?? [.. values];
        // One array for the whole batch: each embedding is a slice of it.
        var block = new float[texts.Count * Dimensions];
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        var words = 0L;
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vector = block.AsMemory(i * Dimensions, Dimensions);
            words += Embed(texts[i], vector.Span);
            result.Add(new Embedding<float>(vector) { ModelId = ModelId });
        }

        result.Usage = new UsageDetails { InputTokenCount = words, TotalTokenCount = words };
        return Task.FromResult(result);
    }

    /// <summary>Writes the embedding of <paramref name="text"/> into <paramref name="destination"/> without allocating.</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination"><see cref="Dimensions"/> floats: the unit embedding, or zeros when no word is known.</param>
    /// <returns>The number of known words the embedding averages; 0 means the zero vector.</returns>
    public int Embed(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimensions)
        {
            throw new ArgumentException($"The destination must hold exactly {Dimensions} floats.", nameof(destination));
        }

        destination.Clear();
        Span<char> buffer = stackalloc char[WordTokenizer.MaxTokenLength];
        Span<int> indexes = stackalloc int[Vocabulary.MaxIndexesPerToken];
        Span<float> row = stackalloc float[Dimensions];
        var tokens = new WordTokenizer(text, buffer);
        var known = 0;
        while (tokens.MoveNext(out var token))
        {
            var count = vocabulary.Resolve(token, indexes);
            for (var k = 0; k < count; k++)
            {
                var index = indexes[k];
                TensorPrimitives.ConvertTruncating(table.Row(index), row);
                TensorPrimitives.MultiplyAdd(row, weights[index], destination, destination);
            }

            known += count;
        }

        // Dividing by the word count is skipped: normalization below cancels it, and the projection is linear.
        TensorPrimitives.MultiplyAdd(common, -TensorPrimitives.Dot(destination, common), destination, destination);
        var norm = TensorPrimitives.Norm(destination);
        if (known == 0 || !(norm > 1e-6f))
        {
            destination.Clear();
            return 0;
        }

        TensorPrimitives.Divide(destination, norm, destination);
        return known;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the table is managed memory.
    }
}
