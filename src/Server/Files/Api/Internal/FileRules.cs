using Atom.Sdk;

namespace Atom.Server.Files.Api.Internal;

/// <summary>What file names, folders, types and checksums may look like.</summary>
internal static class FileRules
{
    public const int MaxNameLength = 255;

    public const int MaxFolderLength = 1024;

    /// <summary>A file name: one path segment, no control or separator characters, not "." or "..".</summary>
    public static string Name(string field, string value)
    {
        if (value.Length == 0)
        {
            throw AtomErrors.InvalidField(field, "is required.");
        }

        if (value.Length > MaxNameLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxNameLength} characters.");
        }

        if (value.Any(c => char.IsControl(c) || c is '/' or '\\' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator))
        {
            throw AtomErrors.InvalidField(field, "must not contain path separators, control or invisible formatting characters.");
        }

        if (value is "." or ".." || value.Trim().Length == 0 || value != value.Trim())
        {
            throw AtomErrors.InvalidField(field, "must be a file name, not blank, '.' or '..', without leading or trailing spaces.");
        }

        return value;
    }

    /// <summary>A folder path: '/'-separated names, each one a valid name; empty for none.</summary>
    public static string Folder(string field, string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        if (value.Length > MaxFolderLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxFolderLength} characters.");
        }

        foreach (var segment in value.Split('/'))
        {
            Name(field, segment);
        }

        return value;
    }

    /// <summary>A media type ("type/subtype") or empty.</summary>
    public static string MediaType(string field, string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (value.Length > 127 || slash <= 0 || slash == value.Length - 1 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-')))
        {
            throw AtomErrors.InvalidField(field, "must be a media type such as application/pdf.");
        }

        return value.ToLowerInvariant();
    }

    /// <summary>A SHA-256 in hex, or empty.</summary>
    public static string Sha256(string field, string value) =>
        value.Length == 0 || (value.Length == 64 && value.All(char.IsAsciiHexDigit))
            ? value.ToLowerInvariant()
            : throw AtomErrors.InvalidField(field, "must be 64 hex digits (a SHA-256), or empty.");

    /// <summary>A server-issued id: 1 to 64 ASCII letters and digits.</summary>
    public static string Id(string field, string value) =>
        value.Length == 0 ? throw AtomErrors.InvalidField(field, "is required.")
        : value.Length <= 64 && value.All(char.IsAsciiLetterOrDigit) ? value
        : throw AtomErrors.InvalidField(field, "is not an id.");
}
