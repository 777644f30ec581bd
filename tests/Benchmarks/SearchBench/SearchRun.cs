using System.Diagnostics;
using System.Globalization;
using Atom.Benchmarks.LoadTool;
using Atom.Server.Search;
using Atom.Server.Search.Vectors;

namespace Atom.Benchmarks.SearchBench;

/// <summary>What a run measures and where it reads and writes.</summary>
/// <param name="Sizes">The index sizes, in chunks, at which everything is measured.</param>
/// <param name="Queries">The most queries per set.</param>
/// <param name="LatencyQueries">The timed queries per mode and size.</param>
/// <param name="WarmUp">Unmeasured searches of every mode before the timed ones.</param>
/// <param name="ManRoot">The man directory.</param>
/// <param name="DocRoot">The doc directory.</param>
/// <param name="CacheDirectory">Where rendered man pages are kept.</param>
/// <param name="DataDirectory">An empty directory for the index.</param>
/// <param name="GlovePath">The word-vector file, or null.</param>
public sealed record RunSettings(
    IReadOnlyList<int> Sizes, int Queries, int LatencyQueries, TimeSpan WarmUp, string ManRoot, string DocRoot, string CacheDirectory, string DataDirectory, string? GlovePath);

/// <summary>Indexes the corpus up to each size and measures search there.</summary>
public sealed class SearchRun
{
    private const int K = 10;
    private readonly RunSettings _settings;
    private readonly TextWriter _log;
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, int> _descriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _descriptionOf = new(StringComparer.Ordinal);
    private long _baselineHeap;
    private bool _hasVectors;

    private SearchRun(RunSettings settings, TextWriter log)
    {
        _settings = settings;
        _log = log;
    }

    /// <summary>Runs every size.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="log">Progress.</param>
    /// <returns>The result (its machine note is the report's to fill).</returns>
    public static Task<SearchResult> RunAsync(RunSettings settings, TextWriter log) => new SearchRun(settings, log).RunAsync();

    private async Task<SearchResult> RunAsync()
    {
        var hasMan = ManPages.Available(_settings.ManRoot);
        if (!hasMan)
        {
            _log.WriteLine($"== no man pages under {_settings.ManRoot}, or no groff to render them: no evaluation set, so no MRR or recall; the speed figures index /usr/share/doc alone");
        }

        await using var index = await BenchIndex.OpenAsync(_settings.DataDirectory, _settings.GlovePath);
        var hasVectors = _hasVectors = await index.HasEmbeddingsAsync();
        if (!hasVectors)
        {
            _log.WriteLine("== word vectors unavailable: keyword search only (no semantic, no hybrid)");
        }

        // What the index holds is measured from here: the word vectors are loaded, nothing is indexed yet.
        _baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        var modes = hasVectors ? Retrieval.Modes : [.. Retrieval.Modes.Where(m => m.Mode == RetrievalMode.Keyword)];
        using var eval = new EvalSet(_settings.Queries);
        var documents = Corpus(hasMan).GetAsyncEnumerator();
        var sizes = new List<SizeFigures>();
        long chunks = 0, expectedChunks = 0;
        int manPages = 0, docFiles = 0, n = 0;
        try
        {
            foreach (var size in _settings.Sizes.Order())
            {
                _log.WriteLine($"== indexing up to {size:N0} chunks");
                // Only the indexing is timed: reading (and on a first run rendering) the corpus is not.
                TimeSpan cpu = TimeSpan.Zero, wall = TimeSpan.Zero;
                var before = chunks;
                while (chunks < size && await documents.MoveNextAsync())
                {
                    var document = documents.Current;
                    var id = string.Create(CultureInfo.InvariantCulture, $"d{n++:D6}");
                    // A file with no text is still one chunk, found by its name.
                    var count = Math.Max(1, index.Chunker.Split(document.Text).Count);
                    var cpuBefore = Environment.CpuUsage.TotalTime;
                    var started = Stopwatch.GetTimestamp();
                    await index.AddAsync(id, document);
                    wall += Stopwatch.GetElapsedTime(started);
                    cpu += Environment.CpuUsage.TotalTime - cpuBefore;
                    chunks += count;
                    if (document.Name.Length > 0 || document.Description.Length > 0)
                    {
                        manPages++;
                        Count(id, document, eval);
                    }
                    else
                    {
                        docFiles++;
                    }
                }

                var seconds = wall.TotalSeconds;
                var cpuMs = cpu.TotalMilliseconds;
                expectedChunks = chunks;
                if (chunks < size)
                {
                    _log.WriteLine($"   the corpus ran out at {chunks:N0} chunks");
                }

                var graphStarted = Stopwatch.GetTimestamp();
                await index.Vectors.WaitForIndexAsync(BenchIndex.Collection, CancellationToken.None);
                var graphWait = Stopwatch.GetElapsedTime(graphStarted).TotalSeconds;
                sizes.Add(await MeasureAsync(index, eval, modes, manPages, docFiles, expectedChunks, seconds, (chunks - before) / seconds, cpuMs / Math.Max(1, chunks - before), graphWait));
                if (chunks < size)
                {
                    break;
                }
            }
        }
        finally
        {
            await documents.DisposeAsync();
        }

        var sets = eval.Queries.GroupBy(q => q.Set).SelectMany(g => g.Take(4)).ToList();
        return new SearchResult(CorpusNote(hasMan), EngineNote(hasVectors), sets, sizes, _failures, string.Empty);
    }

    // Man pages (non-gcloud first, then gcloud), then /usr/share/doc text files, in a fixed order.
    private async IAsyncEnumerable<CorpusDocument> Corpus(bool hasMan)
    {
        if (hasMan)
        {
            await foreach (var page in ManPages.ReadAsync(ManPages.List(_settings.ManRoot), _settings.CacheDirectory, _log))
            {
                yield return page;
            }
        }

        foreach (var file in DocFiles.Read(_settings.DocRoot))
        {
            yield return file;
        }
    }

    // A description on two pages is no query: both would be right. The first page of such a pair may already be a query.
    private void Count(string id, CorpusDocument document, EvalSet eval)
    {
        if (document.Description.Length == 0)
        {
            return;
        }

        var key = ManPages.Normalize(document.Description);
        _descriptions[key] = _descriptions.GetValueOrDefault(key) + 1;
        _descriptionOf[id] = key;
        if (_descriptions[key] == 1 && ManPages.IsQueryCandidate(document) && !eval.IsFull)
        {
            eval.Add(id, document);
        }
    }

    private async Task<SizeFigures> MeasureAsync(
        BenchIndex index, EvalSet eval, IReadOnlyList<(string Name, RetrievalMode Mode)> modes, int manPages, int docFiles, long chunks, double seconds, double rate, double cpuPerChunk, double graphWait)
    {
        var stats = index.Vectors.GetStats(BenchIndex.Collection);
        var vectors = stats?.Points ?? 0;
        var stored = await index.CountChunksAsync();
        if (stored != chunks)
        {
            _failures.Add($"{chunks:N0} chunks were indexed but the store holds {stored:N0}");
        }

        var heap = (GC.GetTotalMemory(forceFullCollection: true) - _baselineHeap) / 1048576.0;
        var rss = ProcessProbe.RssMiB(Environment.ProcessId) ?? 0;
        var database = Directory.EnumerateFiles(_settings.DataDirectory, "atom.db*").Sum(f => new FileInfo(f).Length) / 1048576.0;
        _log.WriteLine($"   {chunks:N0} chunks ({manPages:N0} man pages, {docFiles:N0} doc files), {vectors:N0} vectors ({stats?.Index}), {rate:N0} chunks/s, heap {heap:F0} MiB, RSS {rss:F0} MiB");

        var queries = eval.Queries.Where(q => _descriptions[_descriptionOf[q.RelevantId]] == 1).ToList();
        var quality = new List<QualityFigures>();
        foreach (var set in queries.GroupBy(q => q.Set))
        {
            foreach (var mode in modes)
            {
                quality.Add(await QualityAsync(index, set.Key, mode, [.. set]));
                _log.WriteLine($"   {set.Key,-12} {mode.Name,-8} MRR@10 {quality[^1].Mrr:F3}  recall@10 {quality[^1].Recall:F3}  ({set.Count()} queries)");
            }
        }

        var timed = queries.Where(q => q.Set == EvalSet.Described).Select(q => q.Text).ToList();
        if (timed.Count == 0)
        {
            timed = ["list directory contents", "compress files", "network configuration", "print the kernel ring buffer"];
        }

        await WarmUpAsync(index, modes, timed);
        var latency = new List<ModeLatency>();
        foreach (var mode in modes)
        {
            latency.Add(await LatencyAsync(index, mode, timed));
            _log.WriteLine($"   {mode.Name,-8} p50 {latency[^1].P50:F2} ms  p95 {latency[^1].P95:F2} ms  cpu {latency[^1].CpuMs:F2} ms/query");
        }

        double? recall = vectors > 0 ? await HnswRecallAsync(index, timed) : null;
        var kind = stats is null ? "-" : stats.Index == VectorIndexKind.Graph ? "HNSW graph" : stats.Index == VectorIndexKind.Exact ? "exact scan" : stats.Index.ToString();
        return new SizeFigures(manPages, docFiles, chunks, vectors, kind, seconds, rate, cpuPerChunk, graphWait, heap, rss, database, stats?.BytesPerVector ?? 0, recall, quality, latency);
    }

    private async Task<QualityFigures> QualityAsync(BenchIndex index, string set, (string Name, RetrievalMode Mode) mode, List<EvalQuery> queries)
    {
        double reciprocal = 0, found = 0, answered = 0;
        foreach (var query in queries)
        {
            var hits = await SearchAsync(index, mode, query.Text);
            var rank = hits.IndexOf(query.RelevantId);
            reciprocal += rank < 0 ? 0 : 1.0 / (rank + 1);
            found += rank < 0 ? 0 : 1;
            answered += hits.Count > 0 ? 1 : 0;
        }

        var count = Math.Max(1, queries.Count);
        return new QualityFigures(set, mode.Name, queries.Count, reciprocal / count, found / count, answered / count);
    }

    private async Task WarmUpAsync(BenchIndex index, IReadOnlyList<(string Name, RetrievalMode Mode)> modes, List<string> queries)
    {
        var started = Stopwatch.GetTimestamp();
        for (var q = 0; Stopwatch.GetElapsedTime(started) < _settings.WarmUp; q++)
        {
            await SearchAsync(index, modes[q % modes.Count], queries[q / modes.Count % queries.Count]);
        }
    }

    private async Task<ModeLatency> LatencyAsync(BenchIndex index, (string Name, RetrievalMode Mode) mode, List<string> queries)
    {
        var histogram = new LatencyHistogram();
        var cpu = Environment.CpuUsage.TotalTime;
        for (var q = 0; q < _settings.LatencyQueries; q++)
        {
            var started = Stopwatch.GetTimestamp();
            await SearchAsync(index, mode, queries[q % queries.Count]);
            histogram.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
        }

        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / Math.Max(1, _settings.LatencyQueries);
        return new ModeLatency(mode.Name, _settings.LatencyQueries, histogram.ValueAt(50) / 1e6, histogram.ValueAt(95) / 1e6, cpuMs);
    }

    /// <summary>
    /// One search: the pages found. A failure, a malformed answer (too many results, a page twice) or a semantic side that
    /// says it is unavailable while the vectors are there is recorded (the run then exits 1) and counts as no hit.
    /// </summary>
    private async Task<List<string>> SearchAsync(BenchIndex index, (string Name, RetrievalMode Mode) mode, string text)
    {
        try
        {
            var outcome = await Retrieval.SearchAsync(index, mode.Mode, text, K);
            var hits = outcome.Hits.Select(h => h.Chunk.SourceId).ToList();
            if (hits.Count > K || hits.Distinct(StringComparer.Ordinal).Count() != hits.Count)
            {
                Fail($"{mode.Name} search for \"{text}\" answered {hits.Count} hits with repeated sources or more than {K}");
            }
            else if (outcome.DegradedReason is { } reason && _hasVectors)
            {
                Fail($"{mode.Name} search for \"{text}\" answered by keywords alone: {reason}");
            }

            return hits;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail($"{mode.Name} search for \"{text}\" failed: {e.GetType().Name}: {e.Message}");
            return [];
        }
    }

    private void Fail(string failure)
    {
        // The first few are enough to see what broke.
        if (_failures.Count < 20)
        {
            _failures.Add(failure);
            _log.WriteLine("   FAILED: " + failure);
        }
    }

    /// <summary>Recall@10 of the store's nearest chunks against an exact scan of every stored embedding, for the timed queries.</summary>
    private static async Task<double> HnswRecallAsync(BenchIndex index, List<string> queries)
    {
        var embeddings = await index.ReadEmbeddingsAsync();
        double found = 0, expected = 0;
        foreach (var text in queries.Take(200))
        {
            if (await Retrieval.EmbedAsync(index, text) is not { } vector)
            {
                continue;
            }

            var exact = embeddings
                .Select(e => (e.Id, Score: System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vector.Span, e.Vector)))
                .OrderByDescending(e => e.Score).Take(K).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var store = await Retrieval.NearestAsync(index, vector, K);
            found += store.Count(h => exact.Contains(h.Id));
            expected += exact.Count;
        }

        return expected == 0 ? 1 : found / expected;
    }

    private static string EngineNote(bool hasVectors) =>
        "Every query goes through SearchEngine.SearchAsync (what the Search RPC calls), one room, 10 results, in each mode: keyword = FTS5 with BM25, " +
        "every word in one chunk, relaxed to any word when fewer than the engine's pool match, widened by the built-in synonyms; " +
        (hasVectors
            ? "semantic = the query's GloVe SIF embedding against the in-process vector store with the server's defaults (exact scan below 20,000 points, " +
              "HNSW M=16 efSearch=64 above), hits below cosine 0.3 dropped; hybrid = reciprocal-rank fusion (k = 60) of both, per page. "
            : "semantic and hybrid: not run, the word vectors are unavailable. ") +
        "Latency: one search at a time, the description queries in turn, after the warm-up; it includes snippets and the store's re-check of vector hits.";

    private string CorpusNote(bool hasMan) => hasMan
        ? "Corpus: this machine's English man pages, rendered by groff (`groff -k -t -mandoc -Tutf8`, no hyphenation), each indexed as a file of one room " +
          "(title: its file name, e.g. `tar.1`; text: the page without its running header, footer and NAME section), pages of every package but the Google " +
          "Cloud SDK first, then the gcloud pages, each group in a fixed hashed order; when a size needs more chunks than the man pages make, READMEs, NEWS " +
          "files and changelogs of /usr/share/doc follow (first 20,000 words each). Queries, from the pages indexed by the first size and never from gcloud pages: " +
          $"`{EvalSet.Described}` = the NAME line's description as written, its page the one relevant answer; `{EvalSet.Unseen}` = the same description " +
          $"cut down to the words the page does not contain (per FTS5 with the index's porter tokenizer), kept when at least {EvalSet.MinUnseenWords} words stay. " +
          "A description that two indexed pages share is no query at that size."
        : $"Corpus: no man pages under {_settings.ManRoot} (or no groff), so no queries; the index is READMEs, NEWS files and changelogs of {_settings.DocRoot}.";
}
