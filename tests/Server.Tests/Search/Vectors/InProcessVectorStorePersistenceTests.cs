using Atom.Server.Search.Vectors;
using Atom.Server.Tests.Files.Processing.Fixtures;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// The in-process store on disk: what was acknowledged comes back after a restart, whatever moment a crash struck (a
/// snapshot half-written, a log record cut anywhere), and damage is reported, never read as fewer points.
/// </summary>
public sealed class InProcessVectorStorePersistenceTests : IDisposable
{
    private const string Name = "chunks";
    private const int Dimensions = 16;
    private readonly TempDirectory _directory = new();
    private readonly Random _random = new(21);

    private string CollectionDirectory => Path.Combine(_directory.Path, Name);

    private string LogFile => Path.Combine(CollectionDirectory, "changes.log");

    private string SnapshotFile => Path.Combine(CollectionDirectory, "snapshot");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task What_was_written_comes_back_after_a_restart_from_the_log_alone()
    {
        var before = await WriteHistoryAndCloseAsync();

        using var reopened = Open();

        Assert.Equal(VectorLoadState.Restored, reopened.GetLoadState(Name));
        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
        Assert.Equal(before.Count, await reopened.CountAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_then_more_writes_come_back_the_same()
    {
        List<VectorHit> before;
        using (var store = Open())
        {
            await WriteHistoryAsync(store);
            await store.SnapshotAsync(CancellationToken.None);
            Assert.Equal(0, new FileInfo(LogFile).Length);
            await store.UpsertAsync(Name, [Point("late", "t1", "late")], CancellationToken.None);
            await store.DeleteAsync(Name, ["p3"], CancellationToken.None);
            before = await SearchAllAsync(store);
        }

        using var reopened = Open();

        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
        Assert.Contains(before, h => h.Id == "late");
        Assert.DoesNotContain(before, h => h.Id == "p3");
    }

    [Fact]
    public async Task A_log_replayed_onto_the_snapshot_that_already_holds_it_gives_the_same_state()
    {
        // A crash after the new snapshot was renamed into place but before the log was emptied.
        List<VectorHit> before;
        byte[] log;
        using (var store = Open())
        {
            await WriteHistoryAsync(store);
            log = await File.ReadAllBytesAsync(LogFile);
            await store.SnapshotAsync(CancellationToken.None);
            before = await SearchAllAsync(store);
        }

        await File.WriteAllBytesAsync(LogFile, log);
        using var reopened = Open();

        Assert.Equal(VectorLoadState.Restored, reopened.GetLoadState(Name));
        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
    }

    [Fact]
    public async Task A_write_cut_short_at_any_byte_loses_only_itself()
    {
        List<VectorHit> expected;
        long acknowledged;
        byte[] whole;
        using (var store = Open())
        {
            await WriteHistoryAsync(store);
            expected = await SearchAllAsync(store);
            acknowledged = new FileInfo(LogFile).Length;
            await store.UpsertAsync(Name, [Point("last", "t1", "last")], CancellationToken.None);
            whole = await File.ReadAllBytesAsync(LogFile);
        }

        // Every cut inside the last record: as if the process died while writing it, before its caller heard back.
        var step = Math.Max(1, (int)(whole.Length - acknowledged) / 40);
        for (var cut = (int)acknowledged; cut < whole.Length; cut += step)
        {
            await File.WriteAllBytesAsync(LogFile, whole[..cut]);
            using (var store = Open())
            {
                Assert.Equal(VectorLoadState.Restored, store.GetLoadState(Name));
                Assert.Equal(Summary(expected), Summary(await SearchAllAsync(store)));

                // The cut-off bytes were dropped, so a write after them reads back.
                await store.UpsertAsync(Name, [Point("after", "t1", "after")], CancellationToken.None);
            }

            using (var store = Open())
            {
                var hits = await SearchAllAsync(store);
                Assert.Contains(hits, h => h.Id == "after");
                Assert.DoesNotContain(hits, h => h.Id == "last");
            }
        }
    }

    [Fact]
    public async Task A_tail_of_zeros_left_by_the_file_system_is_not_damage()
    {
        var before = await WriteHistoryAndCloseAsync();

        await using (var log = new FileStream(LogFile, FileMode.Append))
        {
            log.Write(new byte[4096]);
        }

        using var reopened = Open();

        Assert.Equal(VectorLoadState.Restored, reopened.GetLoadState(Name));
        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
    }

    [Fact]
    public async Task A_damaged_snapshot_loads_as_lost_moved_aside_and_the_collection_can_be_made_again()
    {
        await WriteHistoryAndCloseAsync(snapshot: true);

        var bytes = await File.ReadAllBytesAsync(SnapshotFile);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(SnapshotFile, bytes);

        using var reopened = Open();

        Assert.Equal(VectorLoadState.Lost, reopened.GetLoadState(Name));
        var load = Assert.Single(reopened.Loaded);
        Assert.Contains("moved to", load.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await reopened.CountAsync(Name, CancellationToken.None));
        Assert.Empty(await reopened.SearchAsync(Name, new VectorQuery(Vector(), 10, "t1"), CancellationToken.None));
        Assert.Single(Directory.GetDirectories(_directory.Path, Name + ".corrupt-*"));
        await reopened.EnsureCollectionAsync(Name, Dimensions, CancellationToken.None);
        Assert.Equal(0, await reopened.CountAsync(Name, CancellationToken.None));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("another format")]
    public async Task A_snapshot_that_is_not_whole_loads_as_lost(string damage)
    {
        await WriteHistoryAndCloseAsync(snapshot: true);

        var bytes = await File.ReadAllBytesAsync(SnapshotFile);
        switch (damage)
        {
            case "truncated":
                await File.WriteAllBytesAsync(SnapshotFile, bytes[..^5]);
                break;
            case "missing":
                File.Delete(SnapshotFile);
                break;
            case "empty":
                await File.WriteAllBytesAsync(SnapshotFile, []);
                break;
            default:
                bytes[0] = (byte)'X';
                await File.WriteAllBytesAsync(SnapshotFile, bytes);
                break;
        }

        using var reopened = Open();

        Assert.Equal(VectorLoadState.Lost, reopened.GetLoadState(Name));
        Assert.Equal(0, await reopened.CountAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task A_log_damaged_before_its_end_loads_as_lost()
    {
        await WriteHistoryAndCloseAsync();

        var bytes = await File.ReadAllBytesAsync(LogFile);
        bytes[20] ^= 0xFF;
        await File.WriteAllBytesAsync(LogFile, bytes);

        using var reopened = Open();

        Assert.Equal(VectorLoadState.Lost, reopened.GetLoadState(Name));
        Assert.Contains("followed by more data", Assert.Single(reopened.Loaded).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_that_fails_half_way_leaves_the_old_one_and_the_log_in_place()
    {
        List<VectorHit> before;
        using (var store = Open())
        {
            await WriteHistoryAsync(store);
            await store.SnapshotAsync(CancellationToken.None);
            var snapshot = await File.ReadAllBytesAsync(SnapshotFile);
            await store.UpsertAsync(Name, [Point("new", "t1", "new")], CancellationToken.None);
            store.FilterSnapshotStream(Name, inner => new FailingStream(inner, failAfter: 100));

            await Assert.ThrowsAsync<IOException>(() => store.SnapshotAsync(CancellationToken.None));

            Assert.Equal(snapshot, await File.ReadAllBytesAsync(SnapshotFile));
            Assert.False(File.Exists(SnapshotFile + ".tmp"));
            Assert.True(new FileInfo(LogFile).Length > 0);
            before = await SearchAllAsync(store);
        }

        using var reopened = Open();

        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
        Assert.Contains(before, h => h.Id == "new");
    }

    [Fact]
    public async Task What_a_killed_process_leaves_half_made_is_swept_at_start_up()
    {
        var before = await WriteHistoryAndCloseAsync();

        // A snapshot killed before its rename, a collection killed while being created, one killed while being removed.
        await File.WriteAllBytesAsync(SnapshotFile + ".tmp", [1, 2, 3]);
        Directory.CreateDirectory(Path.Combine(_directory.Path, "other.creating-0123"));
        Directory.CreateDirectory(Path.Combine(_directory.Path, "gone.deleted-4567"));

        using var reopened = Open();

        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
        Assert.False(File.Exists(SnapshotFile + ".tmp"));
        Assert.Equal([CollectionDirectory], Directory.GetDirectories(_directory.Path));
        Assert.Equal(VectorLoadState.Absent, reopened.GetLoadState("other"));
    }

    [Fact]
    public async Task Compaction_drops_deleted_points_and_changes_no_answer()
    {
        var options = new VectorStoreOptions { CompactionRatio = 0.25 };
        List<VectorHit> before;
        using (var store = Open(options))
        {
            await store.EnsureCollectionAsync(Name, Dimensions, CancellationToken.None);
            await store.UpsertAsync(Name, [.. Enumerable.Range(0, 100).Select(i => Point($"c{i}", "t1", $"s{i % 10}"))], CancellationToken.None);
            await store.DeleteBySourceAsync(Name, "t1", "s3", CancellationToken.None);
            await store.DeleteBySourceAsync(Name, "t1", "s4", CancellationToken.None);
            await store.DeleteBySourceAsync(Name, "t1", "s5", CancellationToken.None);
            before = await SearchAllAsync(store);
            Assert.Equal(30, store.GetStats(Name)!.DeletedSlots);

            await store.MaintainAsync(CancellationToken.None);

            Assert.Equal(0, store.GetStats(Name)!.DeletedSlots);
            Assert.Equal(Summary(before), Summary(await SearchAllAsync(store)));
        }

        using var reopened = Open(options);
        Assert.Equal(Summary(before), Summary(await SearchAllAsync(reopened)));
    }

    [Fact]
    public async Task A_collection_with_a_graph_is_loaded_and_its_graph_built_again()
    {
        var options = InProcessVectorStoreGraphContractTests.GraphOptions();
        var query = new VectorQuery(Vector(), 10, "t1");
        IReadOnlyList<VectorHit> before;
        using (var store = Open(options))
        {
            await store.EnsureCollectionAsync(Name, Dimensions, CancellationToken.None);
            await store.UpsertAsync(Name, [.. Enumerable.Range(0, 300).Select(i => Point($"h{i}", "t1", $"s{i}"))], CancellationToken.None);
            await store.SnapshotAsync(CancellationToken.None);
            before = await store.SearchAsync(Name, query, CancellationToken.None);
        }

        using var reopened = Open(options);
        var after = await reopened.SearchAsync(Name, query, CancellationToken.None);

        Assert.Equal(VectorIndexKind.Graph, reopened.GetStats(Name)!.Index);
        Assert.Equal(Summary(before), Summary(after));
    }

    [Fact]
    public async Task Deleting_a_collection_removes_its_files()
    {
        using var store = Open();
        await WriteHistoryAsync(store);

        await store.DeleteCollectionAsync(Name, CancellationToken.None);

        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public async Task Without_a_directory_the_store_works_in_memory()
    {
        using var store = new InProcessVectorStore(null);
        await WriteHistoryAsync(store);

        Assert.Null(store.Location);
        Assert.NotEmpty(await SearchAllAsync(store));
        Assert.Empty(store.Loaded);
    }

    [Fact]
    public async Task The_stats_report_memory_per_vector()
    {
        using var store = Open();
        await store.EnsureCollectionAsync(Name, Dimensions, CancellationToken.None);
        await store.UpsertAsync(Name, [.. Enumerable.Range(0, 1000).Select(i => Point($"m{i}", "t1", $"s{i}"))], CancellationToken.None);

        var stats = store.GetStats(Name)!;

        // At least the vector itself; not wildly more with no graph.
        Assert.InRange(stats.BytesPerVector, Dimensions * sizeof(float), 8 * Dimensions * sizeof(float));
    }

    private InProcessVectorStore Open(VectorStoreOptions? options = null) => new(_directory.Path, options ?? new VectorStoreOptions());

    /// <summary>A little of everything: upserts, a replacement, deletes by id and by source, two tenants.</summary>
    private async Task WriteHistoryAsync(InProcessVectorStore store)
    {
        await store.EnsureCollectionAsync(Name, Dimensions, CancellationToken.None);
        await store.UpsertAsync(Name, [.. Enumerable.Range(0, 40).Select(i => Point($"p{i}", i % 4 == 0 ? "t2" : "t1", $"src{i % 8}"))], CancellationToken.None);
        await store.UpsertAsync(Name, [Point("p1", "t1", "src1"), Point("p2", "t1", "replaced")], CancellationToken.None);
        await store.DeleteAsync(Name, ["p5", "p6", "nope"], CancellationToken.None);
        await store.DeleteBySourceAsync(Name, "t1", "src7", CancellationToken.None);
        await store.DeleteBySourceAsync(Name, "t2", "src0", CancellationToken.None);
    }

    /// <summary>Writes <see cref="WriteHistoryAsync"/> into a store of its own (snapshotted, if asked), closes it and returns what it held.</summary>
    private async Task<List<VectorHit>> WriteHistoryAndCloseAsync(bool snapshot = false)
    {
        using var store = Open();
        await WriteHistoryAsync(store);
        if (snapshot)
        {
            await store.SnapshotAsync(CancellationToken.None);
        }

        return await SearchAllAsync(store);
    }

    private static async Task<List<VectorHit>> SearchAllAsync(InProcessVectorStore store)
    {
        var probe = Enumerable.Repeat(1f, Dimensions).ToArray();
        var hits = new List<VectorHit>();
        foreach (var tenant in new[] { "t1", "t2" })
        {
            hits.AddRange(await store.SearchAsync(Name, new VectorQuery(probe, 1000, tenant), CancellationToken.None));
        }

        return hits;
    }

    private static List<string> Summary(IEnumerable<VectorHit> hits) =>
        [.. hits.Select(h => $"{h.Id} {h.Score:F5} {h.Payload}")];

    private float[] Vector() => [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(_random.NextDouble() - 0.5))];

    private VectorPoint Point(string id, string tenant, string source) =>
        new(id, Vector(), new VectorPayload(tenant, source, $"room:{source.Length % 3}", "message", 1000 + id.Length, string.Empty));

    /// <summary>Fails a write once <paramref name="failAfter"/> bytes have passed, as a full disk or a killed writer would.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private int _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if ((_written += buffer.Length) > failAfter)
            {
                throw new IOException("No space left on device (simulated)");
            }

            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
