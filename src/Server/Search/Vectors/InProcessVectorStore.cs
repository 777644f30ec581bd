using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Server.Search.Vectors.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atom.Server.Search.Vectors;

/// <summary>
/// The embedded vector store: every collection in memory, searched exactly with SIMD dot products while it is small and
/// through an HNSW graph once it passes <see cref="HnswOptions.Threshold"/> points, and persisted under a directory.
/// </summary>
/// <remarks>
/// <para>
/// Vectors are normalized when stored, so cosine similarity is a dot product. Searches run side by side; the writes of
/// one collection run one at a time.
/// </para>
/// <para>
/// On disk each collection is a snapshot and a change log (see <see cref="VectorStoreOptions"/>): a write returns once it
/// is in the log (fsynced, with <see cref="VectorStoreOptions.SyncWrites"/>), so a crash loses nothing acknowledged; the
/// log is folded into a new snapshot by <see cref="MaintainAsync"/> and <see cref="SnapshotAsync"/>. The constructor loads
/// what is there; <see cref="Loaded"/> says, per collection, whether it came back whole or was lost to damage and must be
/// indexed again. Without a directory the store keeps nothing across restarts.
/// </para>
/// </remarks>
public sealed partial class InProcessVectorStore : IVectorStore, IDisposable
{
    private readonly string? _directory;
    private readonly VectorStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, StoredCollection> _collections = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _catalogGate = new(1, 1);
    private readonly Dictionary<string, VectorCollectionLoad> _loaded = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Initializes a new instance, loading the collections found under <paramref name="directory"/>.</summary>
    /// <param name="directory">Where collections are kept; null to keep them in memory only.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="time">The clock, for when snapshots are due.</param>
    public InProcessVectorStore(string? directory, VectorStoreOptions? options = null, ILogger<InProcessVectorStore>? logger = null, TimeProvider? time = null)
    {
        _directory = directory is null ? null : Path.GetFullPath(directory);
        _options = options ?? new VectorStoreOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        if (_directory is not null)
        {
            Directory.CreateDirectory(_directory);
            LoadAll(_directory);
        }
    }

    /// <summary>Gets the directory the collections are kept in; null when they are kept in memory only.</summary>
    public string? Location => _directory;

    /// <summary>Gets what was found on disk at start-up, one entry per collection directory.</summary>
    public IReadOnlyCollection<VectorCollectionLoad> Loaded => _loaded.Values;

    /// <summary>Gets what was found of one collection at start-up.</summary>
    /// <param name="collection">The collection.</param>
    /// <returns><see cref="VectorLoadState.Absent"/> when nothing of it was on disk.</returns>
    public VectorLoadState GetLoadState(string collection) =>
        _loaded.TryGetValue(collection, out var load) ? load.State : VectorLoadState.Absent;

    /// <summary>Gets a collection's size, memory and search figures; null when it does not exist.</summary>
    /// <param name="collection">The collection.</param>
    /// <returns>The figures.</returns>
    public VectorCollectionStats? GetStats(string collection) =>
        _collections.TryGetValue(collection, out var stored) ? stored.Index.Stats() : null;

    /// <summary>Waits until a collection's graph build under way (if any) has ended, e.g. before measuring graph searches.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    public Task WaitForIndexAsync(string collection, CancellationToken ct) =>
        _collections.TryGetValue(collection, out var stored) ? stored.Index.Indexed.WaitAsync(ct) : Task.CompletedTask;

    /// <inheritdoc/>
    public async Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        VectorChecks.Dimensions(dimensions);
        if (TryGet(collection) is { } existing)
        {
            CheckDimensions(existing, dimensions);
            return;
        }

        await _catalogGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TryGet(collection) is { } raced)
            {
                CheckDimensions(raced, dimensions);
                return;
            }

            var index = NewCollection(collection, dimensions, capacity: 16);
            try
            {
                var files = _directory is null ? null : CollectionFiles.Create(_directory, index, _options.SyncWrites, _time);
                _collections[collection] = new StoredCollection(index, files);
            }
            catch
            {
                index.Dispose();
                throw;
            }
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        var stored = TryGet(collection) ?? throw new VectorCollectionNotFoundException(collection);
        VectorChecks.Points(points, stored.Index.Dimensions);
        if (points.Count == 0)
        {
            return;
        }

        await WriteAsync(stored, collection, () => ChangeLog.EncodeUpsert(points), () => stored.Index.Upsert(points), ct);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentNullException.ThrowIfNull(ids);
        if (TryGet(collection) is not { } stored || ids.Count == 0)
        {
            return;
        }

        await WriteAsync(stored, collection, () => stored.Index.ContainsAny(ids) ? ChangeLog.EncodeDelete(ids) : null, () => stored.Index.Delete(ids), ct);
    }

    /// <inheritdoc/>
    public async Task DeleteBySourceAsync(string collection, string tenantId, string sourceId, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(sourceId);
        if (TryGet(collection) is not { } stored)
        {
            return;
        }

        await WriteAsync(
            stored,
            collection,
            () => stored.Index.HasSource(tenantId, sourceId) ? ChangeLog.EncodeDeleteBySource(tenantId, sourceId) : null,
            () => stored.Index.DeleteBySource(tenantId, sourceId),
            ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<VectorHit>> SearchAsync(string collection, VectorQuery query, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentNullException.ThrowIfNull(query);
        ct.ThrowIfCancellationRequested();
        if (TryGet(collection) is not { } stored)
        {
            return Task.FromResult<IReadOnlyList<VectorHit>>([]);
        }

        VectorChecks.Query(query, stored.Index.Dimensions);
        return Task.FromResult<IReadOnlyList<VectorHit>>(stored.Index.Search(query));
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(string collection, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        return Task.FromResult<long>(TryGet(collection)?.Index.Live ?? 0);
    }

    /// <inheritdoc/>
    public async Task DeleteCollectionAsync(string collection, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        await _catalogGate.WaitAsync(ct);
        try
        {
            if (!_collections.TryGetValue(collection, out var stored))
            {
                return;
            }

            await stored.Gate.WaitAsync(ct);
            stored.Removed = true;
            _collections.TryRemove(collection, out _);
            stored.Gate.Release();
            var directory = stored.Files?.Directory;
            stored.Dispose();
            if (directory is not null)
            {
                CollectionFiles.Remove(directory);
            }
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <summary>
    /// Writes a new snapshot of every collection whose log holds changes, and empties those logs: what a clean stop does,
    /// so the next start reads one file per collection and replays nothing.
    /// </summary>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    public async Task SnapshotAsync(CancellationToken ct)
    {
        foreach (var (name, stored) in _collections)
        {
            if (stored.Files is { LogBytes: > 0 })
            {
                await SnapshotOneAsync(name, stored, ct);
            }
        }
    }

    /// <summary>
    /// Does what is due: compacts collections where deleted points reach <see cref="VectorStoreOptions.CompactionRatio"/>,
    /// and snapshots those whose log is older than <see cref="VectorStoreOptions.SnapshotInterval"/> or larger than
    /// <see cref="VectorStoreOptions.SnapshotLogBytes"/>. A hosted service calls it every <see cref="VectorStoreOptions.MaintenanceInterval"/>.
    /// </summary>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    public async Task MaintainAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var (name, stored) in _collections)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (stored.Index.DeletedRatio >= _options.CompactionRatio && stored.Index.DeletedRatio > 0)
                {
                    await CompactAsync(name, stored, ct);
                }

                if (stored.Files is { } files && files.LogBytes > 0
                    && (files.LogBytes >= _options.SnapshotLogBytes || now - files.ChangedAt >= _options.SnapshotInterval))
                {
                    await SnapshotOneAsync(name, stored, ct);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The log still holds every change: nothing is lost, the snapshot is tried again next time.
                Log.MaintenanceFailed(_logger, name, ex);
            }
        }
    }

    /// <summary>Closes the logs and stops graph builds. Every acknowledged write is in a log already; call <see cref="SnapshotAsync"/> first for a quick next start.</summary>
    public void Dispose()
    {
        _catalogGate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var stored in _collections.Values)
            {
                stored.Gate.Wait();
                stored.Removed = true;
                stored.Dispose();
            }

            _collections.Clear();
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <summary>Gives a collection's snapshot stream a wrapper, for tests that fail a snapshot half-way.</summary>
    internal void FilterSnapshotStream(string collection, Func<Stream, Stream>? filter)
    {
        if (TryGet(collection)?.Files is { } files)
        {
            files.SnapshotStreamFilter = filter;
        }
    }

    private static void CheckDimensions(StoredCollection stored, int dimensions)
    {
        if (stored.Index.Dimensions != dimensions)
        {
            throw new VectorDimensionMismatchException(stored.Index.Name, stored.Index.Dimensions, dimensions);
        }
    }

    private StoredCollection? TryGet(string collection)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _collections.GetValueOrDefault(collection);
    }

    private VectorCollection NewCollection(string name, int dimensions, int capacity) =>
        new(name, dimensions, _options.Hnsw, (collection, ex) => Log.GraphBuildFailed(_logger, collection, ex), capacity);

    /// <summary>
    /// One change, in the collection's order: logged (when <paramref name="record"/> gives one; null means there is nothing
    /// to change) and then applied. A write whose log append fails is not applied, and its caller gets the error.
    /// </summary>
    private static Task WriteAsync(StoredCollection stored, string collection, Func<byte[]?> record, Action apply, CancellationToken ct) =>
        UnderGateAsync(stored, () =>
        {
            if (stored.Removed)
            {
                throw new VectorCollectionNotFoundException(collection);
            }

            if (record() is { } bytes)
            {
                stored.Files?.Append(bytes);
                apply();
            }
        }, ct);

    private Task SnapshotOneAsync(string name, StoredCollection stored, CancellationToken ct) =>
        UnderGateAsync(stored, () =>
        {
            if (!stored.Removed && stored.Files is { LogBytes: > 0 } files)
            {
                var started = Stopwatch.GetTimestamp();
                var capture = stored.Index.Capture();
                files.Snapshot(capture);
                Log.SnapshotWritten(_logger, name, capture.LiveSlots.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, ct);

    private Task CompactAsync(string name, StoredCollection stored, CancellationToken ct) =>
        UnderGateAsync(stored, () =>
        {
            if (!stored.Removed)
            {
                var before = stored.Index.Stats();
                stored.Index.Compact();
                Log.Compacted(_logger, name, before.DeletedSlots, before.Points);
            }
        }, ct);

    /// <summary>Runs a change of a collection once every change before it has ended (see <see cref="StoredCollection.Gate"/>).</summary>
    private static async Task UnderGateAsync(StoredCollection stored, Action change, CancellationToken ct)
    {
        await stored.Gate.WaitAsync(ct);
        try
        {
            change();
        }
        finally
        {
            stored.Gate.Release();
        }
    }

    private void LoadAll(string root)
    {
        foreach (var directory in System.IO.Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            if (CollectionFiles.IsLeftover(name))
            {
                CollectionFiles.TryDelete(directory);
                continue;
            }

            if (name.Contains(".corrupt-", StringComparison.Ordinal) || !IsCollectionName(name))
            {
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var (index, files, cut) = CollectionFiles.Load(
                    directory, (dimensions, points) => NewCollection(name, dimensions, points), _options.SyncWrites, _time);
                var detail = cut > 0 ? $"the last write, cut short by a crash ({cut} bytes), was dropped" : null;
                _collections[name] = new StoredCollection(index, files);
                _loaded[name] = new VectorCollectionLoad(name, VectorLoadState.Restored, index.Live, detail);
                Log.Restored(_logger, name, index.Live, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail ?? "intact");
                index.IndexIfDue();
            }
            catch (InvalidDataException ex)
            {
                var aside = CollectionFiles.MoveAside(directory);
                _loaded[name] = new VectorCollectionLoad(name, VectorLoadState.Lost, 0, $"{ex.Message}; moved to {aside}");
                Log.Lost(_logger, name, ex.Message, aside);
            }
        }
    }

    private static bool IsCollectionName(string name)
    {
        try
        {
            VectorChecks.Collection(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
