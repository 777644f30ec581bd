using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Atom.Benchmarks.SearchBench;

/// <summary>
/// The READMEs, NEWS files and changelogs of <c>/usr/share/doc</c>: more real text nobody here wrote, indexed after the
/// man pages when a size asks for more chunks than they make (never queried). Ordered by a hash of the path; each file's
/// first <see cref="MaxWords"/> words, so that a few huge changelogs do not make most of the filler.
/// </summary>
public static class DocFiles
{
    /// <summary>The most words of one file that are indexed.</summary>
    public const int MaxWords = 20_000;

    /// <summary>Reads the files in order.</summary>
    /// <param name="root">The doc directory, normally <c>/usr/share/doc</c>.</param>
    /// <returns>The documents; files with no text or with NUL bytes are left out.</returns>
    public static IEnumerable<CorpusDocument> Read(string root)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }

        var files = Directory.EnumerateDirectories(root)
            .SelectMany(d => Directory.EnumerateFiles(d))
            .Where(f => new FileInfo(f).LinkTarget is null && Path.GetFileName(f) is var n
                && (n.StartsWith("README", StringComparison.OrdinalIgnoreCase) || n.StartsWith("NEWS", StringComparison.Ordinal) || n.StartsWith("changelog", StringComparison.Ordinal)))
            .OrderBy(f => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, f)))), StringComparer.Ordinal);
        foreach (var file in files)
        {
            string text;
            try
            {
                using var stream = File.OpenRead(file);
                using var reader = new StreamReader(file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream, Encoding.UTF8);
                text = reader.ReadToEnd();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                continue;
            }

            var words = text.Split((char[]?)null, MaxWords + 1, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || text.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }

            var title = Path.GetRelativePath(root, file);
            title = title.EndsWith(".gz", StringComparison.Ordinal) ? title[..^3] : title;
            yield return new CorpusDocument(file, title, string.Join(' ', words.Take(MaxWords)), string.Empty, string.Empty);
        }
    }
}
