using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Atom.Benchmarks.SearchBench;

/// <summary>A document of the corpus as it is indexed.</summary>
/// <param name="Path">Where it came from on this machine.</param>
/// <param name="Title">The name it is indexed under: a man page's file name (<c>tar.1</c>), a doc file's <c>package/file</c>.</param>
/// <param name="Text">What is indexed: a man page without its header, footer and NAME section; a doc file's text.</param>
/// <param name="Name">A man page's NAME: the names before the dash; empty for a doc file.</param>
/// <param name="Description">A man page's NAME after the dash, the query of its page; empty when it has none.</param>
public sealed record CorpusDocument(string Path, string Title, string Text, string Name, string Description);

/// <summary>
/// The man pages of this machine, rendered to text by groff (nobody here wrote them), in a fixed order, cached under the
/// results directory. The order: the pages of every package but the Google Cloud SDK first, then the gcloud pages, each
/// group ordered by a hash of its path (a mix of sections and packages that is the same on every run).
/// </summary>
/// <remarks>
/// On the machine this was written on, 16,600 of the 20,000 English pages are gcloud's, generated from one command line's
/// help in alpha, beta and GA copies of nearly the same text: they are indexed, as distractors for the speed figures, but
/// no query is made from them. A page's description is a query only when it has at least two words, is the description
/// of no other page (else another page would be as right an answer), is not help2man's placeholder ("manual page for
/// ..."), and the page has at least 20 words of its own.
/// </remarks>
public static partial class ManPages
{
    private const string CacheName = "man-pages.v1.jsonl";
    private static readonly JsonSerializerOptions Json = new();

    /// <summary>Gets whether this machine has English man pages and groff to render them.</summary>
    /// <param name="root">The man directory, normally <c>/usr/share/man</c>.</param>
    /// <returns>Whether both are there.</returns>
    public static bool Available(string root) =>
        Directory.Exists(root) && Directory.EnumerateDirectories(root, "man*").Any()
        && (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => d.Length > 0 && File.Exists(System.IO.Path.Combine(d, "groff")));

    /// <summary>Lists the pages in the corpus's order, without reading them.</summary>
    /// <param name="root">The man directory.</param>
    /// <returns>The page files: real files (not links), compressed or not.</returns>
    public static List<string> List(string root) =>
    [
        .. Directory.EnumerateDirectories(root, "man*")
            .SelectMany(d => Directory.EnumerateFiles(d))
            .Where(f => new FileInfo(f).LinkTarget is null)
            .OrderBy(f => IsGcloud(f) ? 1 : 0)
            .ThenBy(f => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(root, f)))), StringComparer.Ordinal),
    ];

    /// <summary>Gets whether a page belongs to the Google Cloud SDK (indexed, never queried).</summary>
    /// <param name="path">The page file.</param>
    /// <returns>Whether it does.</returns>
    public static bool IsGcloud(string path) => System.IO.Path.GetFileName(path).StartsWith("gcloud", StringComparison.Ordinal);

    /// <summary>Reads the pages in order, rendering those the cache does not hold, a batch at a time on every core.</summary>
    /// <param name="pages">The page files, in order.</param>
    /// <param name="cacheDirectory">Where rendered pages are kept between runs.</param>
    /// <param name="log">Progress.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The documents, in order; pages that are aliases of others (<c>.so</c>) or render to nothing are left out.</returns>
    public static async IAsyncEnumerable<CorpusDocument> ReadAsync(
        IReadOnlyList<string> pages, string cacheDirectory, TextWriter log, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(cacheDirectory);
        var cachePath = System.IO.Path.Combine(cacheDirectory, CacheName);
        // One run at a time: two would write their pages over each other's (and their figures would be each other's load).
        FileStream cache;
        try
        {
            cache = new FileStream(cachePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"{cachePath} is in use: is another search benchmark running? ({e.Message})", e);
        }

        await using var owned = cache;
        // Where each cached page's line starts, not the pages themselves: the text of 20,000 pages held in memory would
        // count in the memory the run measures.
        var offsets = LoadCache(cache);
        var rendered = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in pages.Chunk(64))
        {
            var missing = batch.Where(p => !offsets.ContainsKey(p)).ToList();
            var fresh = new ConcurrentDictionary<string, CachedPage>();
            if (missing.Count > 0)
            {
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                    async (page, ct) => fresh[page] = await RenderAsync(page, ct));
                foreach (var page in missing)
                {
                    offsets[page] = cache.Seek(0, SeekOrigin.End);
                    await cache.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fresh[page], Json) + "\n"), cancellationToken);
                }

                await cache.FlushAsync(cancellationToken);
                rendered += missing.Count;
                if (rendered % 1024 < missing.Count)
                {
                    log.WriteLine($"   rendered {rendered:N0} man pages with groff ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s; cached in {cachePath})");
                }
            }

            foreach (var page in batch)
            {
                if (ToDocument(fresh.TryGetValue(page, out var known) ? known : ReadCached(cache, offsets[page])) is { } document)
                {
                    yield return document;
                }
            }
        }
    }

    /// <summary>
    /// Gets whether a page's description can be a query (see the remarks of <see cref="ManPages"/>); whether it is the
    /// description of no other page is for the caller, who knows which pages are indexed.
    /// </summary>
    /// <param name="document">The page.</param>
    /// <returns>Whether it can.</returns>
    public static bool IsQueryCandidate(CorpusDocument document) =>
        document.Description.Length > 0
        && !IsGcloud(document.Path)
        && Normalize(document.Description).Split(' ').Length >= 2
        && !document.Description.StartsWith("manual page for", StringComparison.OrdinalIgnoreCase)
        && document.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length >= 20;

    /// <summary>A description as compared with others: lower case, spaces collapsed.</summary>
    /// <param name="text">The description.</param>
    /// <returns>The key.</returns>
    public static string Normalize(string text) => string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Dictionary<string, long> LoadCache(FileStream cache)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var line = new List<byte>();
        var buffer = new byte[1 << 16];
        long start = 0, position = 0;
        for (var read = cache.Read(buffer); read > 0; read = cache.Read(buffer))
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                position++;
                if (b != '\n')
                {
                    line.Add(b);
                    continue;
                }

                // A line cut short by a run that was stopped is rendered again.
                try
                {
                    if (JsonSerializer.Deserialize<CachedPage>(line.ToArray(), Json) is { } page)
                    {
                        offsets[page.Path] = start;
                    }
                }
                catch (JsonException)
                {
                }

                line.Clear();
                start = position;
            }
        }

        return offsets;
    }

    private static CachedPage ReadCached(FileStream cache, long offset)
    {
        cache.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(cache, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return JsonSerializer.Deserialize<CachedPage>(reader.ReadLine() ?? string.Empty, Json) ?? throw new InvalidDataException($"damaged cache line at {offset}");
    }

    /// <summary>Renders one page with groff as <c>man</c> would (preconv, tbl, the an/doc macros), without formatting codes or hyphenation.</summary>
    private static async Task<CachedPage> RenderAsync(string path, CancellationToken cancellationToken)
    {
        var source = await ReadSourceAsync(path, cancellationToken);
        if (source.Length == 0 || source.TrimStart().StartsWith(".so ", StringComparison.Ordinal))
        {
            return new CachedPage(path, string.Empty);
        }

        var start = new ProcessStartInfo("groff", ["-k", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=150n", "-rHY=0"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = Encoding.UTF8,
        };
        using var groff = Process.Start(start) ?? throw new InvalidOperationException("groff did not start");
        var output = groff.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = groff.StandardError.ReadToEndAsync(cancellationToken);
        await groff.StandardInput.WriteAsync(source.AsMemory(), cancellationToken);
        groff.StandardInput.Close();
        var text = await output;
        await errors;
        await groff.WaitForExitAsync(cancellationToken);
        return new CachedPage(path, text);
    }

    private static async Task<string> ReadSourceAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Splits a rendered page into its NAME line and the rest, without the running header and footer.</summary>
    private static CorpusDocument? ToDocument(CachedPage page)
    {
        var lines = page.Text.Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.FindIndex(l => l.Length > 0);
        var last = lines.FindLastIndex(l => l.Length > 0);
        if (first < 0 || last <= first)
        {
            return null;
        }

        // The first and last lines are the running header and footer ("TAR(1)  GNU TAR Manual  TAR(1)").
        lines = lines[(first + 1)..last];
        var heading = lines.FindIndex(l => l == "NAME");
        var nameLine = string.Empty;
        if (heading >= 0)
        {
            var end = lines.FindIndex(heading + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
            end = end < 0 ? lines.Count : end;
            nameLine = string.Join(' ', lines[(heading + 1)..end].Select(l => l.Trim()).Where(l => l.Length > 0));
            lines.RemoveRange(heading, end - heading);
        }

        var text = string.Join('\n', lines.Select(l => l.Trim()).Where(l => l.Length > 0));
        if (text.Length == 0)
        {
            return null;
        }

        var dash = NameDash().Match(nameLine);
        var (name, description) = dash.Success ? (nameLine[..dash.Index].Trim(), nameLine[(dash.Index + dash.Length)..].Trim()) : (nameLine, string.Empty);
        var title = System.IO.Path.GetFileName(page.Path);
        title = title.EndsWith(".gz", StringComparison.Ordinal) ? title[..^3] : title;
        return new CorpusDocument(page.Path, title, text, name, description);
    }

    // groff renders the NAME line's "\-" as a minus or a hyphen sign, an mdoc page's as an en dash.
    [GeneratedRegex(@"\s[-\u2010\u2012\u2013\u2014\u2212]+\s")]
    private static partial Regex NameDash();

    private sealed record CachedPage(string Path, string Text);
}
