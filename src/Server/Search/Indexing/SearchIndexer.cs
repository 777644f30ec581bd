using Atom.Server.Jobs;
using Atom.Server.Search.Embeddings;
using Microsoft.Extensions.AI;
using Atom.Server.Search.Index;
using Atom.Server.Search.Text;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Indexing;

/// <summary>
/// Runs <see cref="SearchIndexQueue.JobKind"/> jobs: reads the message or file as it is now and replaces everything the
/// index holds of it. Reading the current state (not the change that queued the job) makes the job safe to repeat and
/// to run late: an edit, a delete or a quarantine always leaves the index as the source is.
/// </summary>
/// <param name="sources">Where messages and files are read.</param>
/// <param name="chunks">The index.</param>
/// <param name="vectors">The chunks' embeddings, for semantic search.</param>
/// <param name="changes">Wakes live searches.</param>
/// <param name="chunker">Cuts long texts.</param>
/// <param name="embeddings">Embeds each chunk, for semantic search; when they are unavailable chunks are indexed for keywords alone.</param>
/// <param name="logger">The logger.</param>
public sealed partial class SearchIndexer(
    ISearchSources sources,
    ChunkStore chunks,
    SearchVectorIndex vectors,
    SearchIndexChanges changes,
    TextChunker chunker,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    ILogger<SearchIndexer> logger) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => SearchIndexQueue.JobKind;

    /// <inheritdoc />
    public async Task HandleAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var job = lease.Job;
        var separator = job.Subject.IndexOf(':', StringComparison.Ordinal);
        var (kind, id) = separator < 0 ? (string.Empty, job.Subject) : (job.Subject[..separator], job.Subject[(separator + 1)..]);
        var source = kind switch
        {
            "message" => await sources.GetMessageAsync(job.TenantId, job.Payload, id, cancellationToken),
            "file" => await sources.GetFileAsync(job.TenantId, id, cancellationToken),
            _ => throw new InvalidOperationException($"A search job names '{job.Subject}', which is neither a message nor a file."),
        };

        var pieces = source is null ? [] : await EmbedAsync(Chunks(job.TenantId, source), cancellationToken);
        var scopes = await chunks.ReplaceSourceAsync(job.TenantId, id, pieces, cancellationToken);

        // After the store, which is the source of truth: if this fails the job runs again, and a search meanwhile
        // re-checks every vector hit against the store.
        var dimensions = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions;
        await vectors.ReplaceSourceAsync(job.TenantId, id, pieces, dimensions, cancellationToken);
        foreach (var scope in scopes)
        {
            changes.Changed(job.TenantId, scope);
        }

        Log.Indexed(logger, job.TenantId, job.Subject, pieces.Count);
    }

    private async Task<List<SearchChunk>> EmbedAsync(List<SearchChunk> pieces, CancellationToken cancellationToken)
    {
        if (pieces.Count == 0)
        {
            return pieces;
        }

        try
        {
            // A file's name too: "roadmap.pdf" is about the roadmap whatever its first page says. Not a message's room name,
            // which would pull every message of a room towards the same meaning.
            var vectors = await embeddings.GenerateAsync(
                pieces.Select(p => p.Kind == SourceKind.File ? p.Title + "\n" + p.Body : p.Body), cancellationToken: cancellationToken);
            return [.. pieces.Select((piece, i) => vectors[i].IsZero() ? piece : piece with { Embedding = vectors[i].Vector.ToArray() })];
        }
        catch (EmbeddingsUnavailableException e)
        {
            Log.NotEmbedded(logger, pieces[0].SourceId, e.Message);
            return pieces;
        }
    }

    private List<SearchChunk> Chunks(string tenantId, SearchSource source)
    {
        var passages = chunker.Split(source.Text);
        var language = LanguageDetector.Detect(source.Text.Length > 0 ? source.Text : source.Title);

        // A file with no text is still found by its name.
        if (passages.Count == 0 && source.Kind == SourceKind.File)
        {
            passages = [string.Empty];
        }

        return [.. passages.Select((passage, i) => new SearchChunk(tenantId, source.Kind, source.Id, i, source.Scope, source.RoomId, source.AuthorId,
            source.Category, source.MediaType, source.TypeLabel, source.Title, passage, language, source.Sequence, source.CreatedAt))];
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Indexed {Subject} of tenant {TenantId}: {Chunks} chunks")]
        public static partial void Indexed(ILogger logger, string tenantId, string subject, int chunks);

        [LoggerMessage(2, LogLevel.Debug, "{SourceId} is indexed for keywords only: {Reason}")]
        public static partial void NotEmbedded(ILogger logger, string sourceId, string reason);
    }
}
