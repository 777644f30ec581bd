using System.Buffers;
using System.Globalization;
using System.IO.Compression;

namespace Atom.Server.Files.Processing;

/// <summary>
/// Walks a zip, and the zips nested in it, without extracting anything to disk, and refuses zip bombs: too many entries,
/// too many expanded bytes, too high a compression ratio, too deep a nesting. Sizes are counted from the bytes actually
/// decompressed, never taken from headers, which a bomb can set to anything.
/// </summary>
public sealed class ArchiveInspector
{
    private const int ChunkBytes = 64 * 1024;
    private readonly FileProcessingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ArchiveInspector"/> class.</summary>
    /// <param name="options">The archive limits.</param>
    public ArchiveInspector(FileProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Inspects the zip at <paramref name="path"/> (Office files are zips too).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The counts of an archive within every limit.</returns>
    /// <exception cref="UnsafeContentException">A limit is exceeded; the reason names the limit and the entry.</exception>
    /// <exception cref="CorruptContentException">The zip, or a zip nested in it, is broken.</exception>
    public ArchiveReport Inspect(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
        var totals = new Totals();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            Walk(file, string.Empty, 0, totals, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ArchiveReport(totals.Entries, totals.ExpandedBytes, totals.MaxDepth);
    }

    private void Walk(Stream stream, string location, int depth, Totals totals, byte[] buffer)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptContentException(location.Length == 0 ? $"The zip is broken: {e.Message}" : $"The nested zip '{location.TrimEnd('/', '!')}' is broken: {e.Message}", e);
        }

        using (zip)
        {
            totals.MaxDepth = Math.Max(totals.MaxDepth, depth);
            foreach (var entry in zip.Entries)
            {
                var name = location + entry.FullName;
                if (++totals.Entries > _options.MaxArchiveEntries)
                {
                    throw new UnsafeContentException($"The archive has more than {_options.MaxArchiveEntries} entries (limit reached at '{name}').");
                }

                try
                {
                    Expand(entry, name, depth, totals, buffer);
                }
                catch (InvalidDataException e)
                {
                    throw new CorruptContentException($"Entry '{name}' of the zip is broken: {e.Message}", e);
                }
                catch (NotSupportedException e)
                {
                    throw new CorruptContentException($"Entry '{name}' of the zip cannot be read (encrypted, or an unsupported compression method): {e.Message}", e);
                }
            }
        }
    }

    private void Expand(ZipArchiveEntry entry, string name, int depth, Totals totals, byte[] buffer)
    {
        using var content = entry.Open();
        MemoryStream? nested = null;
        long expanded = 0;
        // The compressed length bounds what the inflater is fed, so it is a fair denominator even when the header lies about the rest.
        var compressed = Math.Max(1, entry.CompressedLength);
        int read;
        while ((read = content.Read(buffer, 0, ChunkBytes)) > 0)
        {
            if (expanded == 0 && read >= 4 && buffer.AsSpan(0, 4).SequenceEqual("PK\u0003\u0004"u8))
            {
                if (depth + 1 > _options.MaxNestingDepth)
                {
                    throw new UnsafeContentException($"Entry '{name}' is a zip nested {depth + 1} deep; at most {_options.MaxNestingDepth} level(s) of nesting are allowed.");
                }

                nested = new MemoryStream();
            }

            expanded += read;
            totals.ExpandedBytes += read;
            if (totals.ExpandedBytes > _options.MaxExpandedBytes)
            {
                throw new UnsafeContentException($"The archive expands to more than {_options.MaxExpandedBytes} bytes (limit reached in '{name}').");
            }

            if (expanded > _options.CompressionRatioThresholdBytes && expanded > _options.MaxCompressionRatio * compressed)
            {
                throw new UnsafeContentException(string.Create(CultureInfo.InvariantCulture,
                    $"Entry '{name}' expands more than {_options.MaxCompressionRatio:0.#} times its compressed size of {compressed} bytes (over {expanded} bytes so far)."));
            }

            if (nested is not null)
            {
                if (nested.Length + read > _options.MaxNestedArchiveBytes)
                {
                    throw new UnsafeContentException($"Entry '{name}' is a nested zip larger than {_options.MaxNestedArchiveBytes} bytes.");
                }

                nested.Write(buffer, 0, read);
            }
        }

        if (nested is not null)
        {
            using (nested)
            {
                nested.Position = 0;
                Walk(nested, name + "!/", depth + 1, totals, new byte[ChunkBytes]);
            }
        }
    }

    private sealed class Totals
    {
        public int Entries { get; set; }

        public long ExpandedBytes { get; set; }

        public int MaxDepth { get; set; }
    }
}
