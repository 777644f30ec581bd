using Atom.Server.Search.Index;
using Atom.Server.Search.Vectors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Indexing;

/// <summary>
/// Makes the vector index whole again at start-up when it does not hold what the store holds: its files were lost or
/// damaged, it was deleted, or a remote store was emptied. Every embedding is kept with its chunk in the
/// <see cref="ChunkStore"/>, so nothing needs embedding again. Until it is done, semantic search answers degraded.
/// </summary>
/// <param name="chunks">The chunks and their embeddings.</param>
/// <param name="vectors">The vector index.</param>
/// <param name="logger">The logger.</param>
public sealed partial class VectorIndexRebuild(ChunkStore chunks, SearchVectorIndex vectors, ILogger<VectorIndexRebuild> logger) : BackgroundService
{
    private const int Batch = 1000;

    // Until the first check is done nobody knows whether the index is whole.
    private volatile RebuildProgress? progress = new(0, 0);

    /// <summary>Gets how far a rebuild has come; null when the index is whole.</summary>
    public RebuildProgress? Progress => progress;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RebuildAsync(stoppingToken);
                progress = null;
                return;
            }
            catch (VectorStoreUnavailableException e)
            {
                // Searches meanwhile try the store themselves, and say it is unavailable while it is.
                progress = null;
                Log.StoreUnavailable(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
            }
        }
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        foreach (var (dimensions, stored) in await chunks.CountEmbeddedAsync(cancellationToken))
        {
            var collection = SearchVectorIndex.CollectionFor(dimensions);
            var indexed = await vectors.Store.CountAsync(collection, cancellationToken);
            if (indexed == stored)
            {
                continue;
            }

            Log.Rebuilding(logger, collection, indexed, stored);
            progress = new RebuildProgress(0, stored);

            // Anew, not on top: a point whose chunk has gone would otherwise stay.
            await vectors.Store.DeleteCollectionAsync(collection, cancellationToken);
            (string, string)? after = null;
            long done = 0;
            while (true)
            {
                var batch = await chunks.ReadEmbeddedAsync(after, Batch, cancellationToken);
                await vectors.UpsertAsync([.. batch.Where(c => c.Embedding!.Length == dimensions)], cancellationToken);
                done += batch.Count;
                progress = new RebuildProgress(done, stored);
                if (batch.Count < Batch)
                {
                    break;
                }

                after = (batch[^1].TenantId, batch[^1].Id);
            }

            Log.Rebuilt(logger, collection, done);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The vector index {Collection} holds {Indexed} points but the store has {Stored} embedded chunks: rebuilding it from the store")]
        public static partial void Rebuilding(ILogger logger, string collection, long indexed, long stored);

        [LoggerMessage(2, LogLevel.Information, "Rebuilt the vector index {Collection}: {Points} points")]
        public static partial void Rebuilt(ILogger logger, string collection, long points);

        [LoggerMessage(3, LogLevel.Warning, "The vector index cannot be checked, the store is unavailable ({Reason}); trying again in 30 s")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }
}

/// <summary>How far a rebuild of the vector index has come.</summary>
/// <param name="Done">Chunks written.</param>
/// <param name="Total">Chunks to write.</param>
public sealed record RebuildProgress(long Done, long Total);
