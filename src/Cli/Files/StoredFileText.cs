using System.Globalization;
using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Files;

/// <summary>How a stored file reads for people: its type, what processing made of it, a table row, a summary.</summary>
internal static class StoredFileText
{
    /// <summary>The columns of <see cref="Row"/>.</summary>
    public static readonly string[] Columns = ["ID", "Name", "Size", "Type", "Status", "Created"];

    // Enough of the text to recognize it; the whole is in --output json.
    private const int Excerpt = 160;

    /// <summary>Gets a file's type as read from its content (<c>PDF (application/pdf)</c>), else as declared, else "-".</summary>
    /// <param name="file">The file.</param>
    /// <returns>The text.</returns>
    public static string Type(StoredFile file) =>
        file.MediaType.Length > 0 ? (file.TypeLabel.Length > 0 ? $"{file.TypeLabel} ({file.MediaType})" : file.MediaType)
        : file.DeclaredType.Length > 0 ? file.DeclaredType + " (declared)"
        : "-";

    /// <summary>Gets what processing made of a file, e.g. <c>ready</c> or <c>quarantined: Eicar-Signature</c>.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The state, with the signature found or the problem where there is one.</returns>
    public static string Outcome(StoredFile file)
    {
        var state = FileStateNames.Name(file.State);
        var why = file.State == FileState.Quarantined && file.Scan?.Signature is { Length: > 0 } signature ? signature : file.Problem;
        return why.Length > 0 ? $"{state}: {why}" : state;
    }

    /// <summary>Gets the one line <c>atom upload</c> prints for a file it uploaded.</summary>
    /// <param name="file">The file, as processing left it (or as stored, when not waited for).</param>
    /// <param name="waited">Whether processing was waited for.</param>
    /// <returns>The line.</returns>
    public static string Uploaded(StoredFile file, bool waited)
    {
        var head = $"Uploaded {file.Name} ({Display.Bytes(file.Size)}) as file {file.Id}";
        if (!waited)
        {
            return $"{head}; it is being processed (atom files show {file.Id}).";
        }

        var facts = new List<string> { Outcome(file) };
        if (file.MediaType.Length > 0)
        {
            facts.Add(Type(file));
        }

        if (file.State is FileState.Ready or FileState.Unreadable)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"{file.TextLength:N0} characters of text{(file.TextTruncated ? " (truncated)" : string.Empty)}"));
        }

        return $"{head}: {string.Join(", ", facts)}.";
    }

    /// <summary>Gets a file's row in <see cref="Columns"/>.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The cells.</returns>
    public static string[] Row(StoredFile file) =>
    [
        file.Id,
        file.Folder.Length > 0 ? $"{file.Folder}/{file.Name}" : file.Name,
        Display.Bytes(file.Size),
        file.TypeLabel.Length > 0 ? file.TypeLabel : file.MediaType.Length > 0 ? file.MediaType : file.DeclaredType,
        FileStateNames.Name(file.State),
        Display.Time(file.CreateTime),
    ];

    /// <summary>Gets everything about a file, for <c>atom files show</c>.</summary>
    /// <param name="file">The file, in the full view.</param>
    /// <returns>Names and values.</returns>
    public static IEnumerable<(string Name, string Value)> Facts(StoredFile file)
    {
        yield return ("ID", file.Id);
        yield return ("Name", file.Name);
        yield return ("Folder", file.Folder);
        yield return ("Room", file.RoomId);
        yield return ("Owner", file.OwnerId);
        yield return ("Size", string.Create(CultureInfo.InvariantCulture, $"{Display.Bytes(file.Size)} ({file.Size:N0} bytes)"));
        yield return ("SHA-256", file.Sha256);
        yield return ("Type", Type(file));
        yield return ("Declared type", file.DeclaredType);
        yield return ("Kind", FileTypeFilter.CategoryName(file.Category));
        yield return ("Status", Outcome(file));
        yield return ("Scan", Scan(file.Scan));
        if (file.Metadata.Count > 0)
        {
            yield return ("Metadata", $"{file.Metadata.Count} entries read from the content");
            foreach (var (key, value) in file.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                yield return ("  " + key, value);
            }
        }

        yield return ("Text", Text(file));
        yield return ("Created", Display.Time(file.CreateTime));
        yield return ("Processed", Display.Time(file.ProcessedTime));
    }

    private static string Scan(FileScan? scan) => scan?.Verdict switch
    {
        ScanVerdict.Clean => $"clean ({Display.OrDash(scan.Engine)}, {Display.Time(scan.ScanTime)})",
        ScanVerdict.Infected => $"infected: {scan.Signature} ({Display.OrDash(scan.Engine)}, {Display.Time(scan.ScanTime)})",
        _ => "not scanned yet",
    };

    private static string Text(StoredFile file)
    {
        if (file.TextLength == 0)
        {
            return "none";
        }

        var count = string.Create(CultureInfo.InvariantCulture, $"{file.TextLength:N0} characters{(file.TextTruncated ? " (truncated at the extraction limit)" : string.Empty)}");
        if (file.Text.Length == 0)
        {
            return count;
        }

        // One line: the excerpt sits in a table cell.
        var flat = string.Join(' ', file.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return $"{count}: {(flat.Length <= Excerpt ? flat : flat[..Excerpt] + "…")}";
    }
}
