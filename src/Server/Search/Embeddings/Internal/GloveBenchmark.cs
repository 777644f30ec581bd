using System.Diagnostics;
using System.Globalization;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Figures for <see cref="GloveSifEmbeddingGenerator"/> on this machine: load time, memory, and embeddings per second for
/// chat-sized messages and one-page texts, on one thread and on all cores. Run in a process of its own
/// (<c>embeddings bench FILE</c>) so that the memory it reports is the generator's alone. Figures, never a pass or fail.
/// </summary>
internal static class GloveBenchmark
{
    private static readonly string[] Messages =
    [
        "can you check whether the deploy to staging finished?",
        "the build looked green to me, merging now",
        "who owns the invoice export job?",
        "lunch at noon? the usual place",
        "I don't think the migration ran on the replicas",
        "thanks, that fixed it!",
        "meeting moved to Thursday afternoon",
        "the customer reported slow uploads from Zürich again",
    ];

    public static void Run(string path, TimeSpan perCase, TextWriter output)
    {
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var watch = Stopwatch.StartNew();
        var generator = new GloveSifEmbeddingGenerator(path);
        var load = watch.Elapsed;
        GC.Collect();
        var after = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine(Line($"machine      {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        output.WriteLine(Line($"load         {load.TotalMilliseconds:0} ms ({generator.VocabularySize} words × {generator.Dimensions} dims)"));
        output.WriteLine(Line($"memory       RSS +{(after - before) / 1048576.0:0} MiB after loading (process {after / 1048576.0:0} MiB), managed heap {GC.GetTotalMemory(false) / 1048576.0:0} MiB"));

        // About 500 words, a page of prose.
        var page = string.Join(' ', Enumerable.Repeat(string.Join(". ", Messages), 8));

        // Untimed first, and long enough for a loaded machine: tiered JIT swaps in its final code in the background.
        Embed(generator, [.. Messages, page], TimeSpan.FromSeconds(1));
        foreach (var (name, texts) in new[] { ("message", Messages), ("page", new[] { page }) })
        {
            var words = texts.Average(t => t.Split(' ').Length);
            var single = Measure(generator, texts, perCase, 1);
            var all = Measure(generator, texts, perCase, Environment.ProcessorCount);
            output.WriteLine(Line($"{name,-12} {single:0} /s on 1 thread, {all:0} /s on {Environment.ProcessorCount} ({words:0} words each)"));
        }
    }

    private static double Measure(GloveSifEmbeddingGenerator generator, string[] texts, TimeSpan duration, int threads)
    {
        var counts = new long[threads];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => counts[t] = Embed(generator, texts, duration));
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }

    private static long Embed(GloveSifEmbeddingGenerator generator, string[] texts, TimeSpan duration)
    {
        Span<float> vector = stackalloc float[generator.Dimensions];
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < duration)
        {
            foreach (var text in texts)
            {
                generator.Embed(text, vector);
                count++;
            }
        }

        return count;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
