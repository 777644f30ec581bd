using System.Text.RegularExpressions;
using Atom.Sdk;
using Atom.Server.Identity.Api.Internal;
using Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>
/// The rules request fields of rooms and annotations follow, beside the identity API's <see cref="RequestRules"/>
/// (names, display names, ids, paging), which they reuse. Each check throws INVALID_ARGUMENT naming the field,
/// before anything is read or written, so a bad request changes nothing.
/// </summary>
internal static partial class RoomRules
{
    public const int MaxTopicLength = 1_000;
    public const int MaxQueryLength = 200;
    public const int MaxInitialMembers = 100;
    public const int MaxDirectOthers = 8;
    public const int MaxAnnotationLength = 4_000;

    /// <summary>A room's unique name: a short name that cannot be taken for a room id, since GetRoom accepts either.</summary>
    public static string Name(string field, string value)
    {
        var name = RequestRules.ShortName(field, value);
        return IdShape().IsMatch(name)
            ? throw AtomErrors.InvalidField(field, "must not look like a room id (32 hexadecimal digits).")
            : name;
    }

    /// <summary>A topic, trimmed: at most 1,000 characters (code points), line breaks and tabs the only control characters.</summary>
    public static string Topic(string field, string value)
    {
        var topic = value.Trim();
        if (CodePoints(topic) > MaxTopicLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxTopicLength:N0} characters.");
        }

        return HasStrayControl(topic) ? throw AtomErrors.InvalidField(field, "must not contain control characters other than line breaks and tabs.") : topic;
    }

    /// <summary>The visibility of a room being created or changed: public or private (unspecified means public).</summary>
    public static RoomVisibility NewVisibility(string field, RoomVisibility value) => value switch
    {
        RoomVisibility.Unspecified or RoomVisibility.Public => RoomVisibility.Public,
        RoomVisibility.Private => RoomVisibility.Private,
        RoomVisibility.Direct => throw AtomErrors.InvalidField(field, "cannot be ROOM_VISIBILITY_DIRECT: direct rooms are opened with OpenDirectRoom and stay direct."),
        _ => throw AtomErrors.InvalidField(field, $"{(int)value} is not a visibility: use ROOM_VISIBILITY_PUBLIC or ROOM_VISIBILITY_PRIVATE."),
    };

    /// <summary>A visibility to filter by: any defined value, unspecified meaning any.</summary>
    public static RoomVisibility VisibilityFilter(string field, RoomVisibility value) =>
        Enum.IsDefined(value) ? value : throw AtomErrors.InvalidField(field, $"{(int)value} is not a visibility.");

    /// <summary>A room role to give someone: a defined role, unspecified meaning <paramref name="whenUnspecified"/>.</summary>
    public static RoomRole Role(string field, RoomRole value, RoomRole? whenUnspecified)
    {
        if (value == RoomRole.Unspecified && whenUnspecified is { } fallback)
        {
            return fallback;
        }

        return value is RoomRole.Viewer or RoomRole.Member or RoomRole.Moderator or RoomRole.Owner
            ? value
            : throw AtomErrors.InvalidField(field, $"{(int)value} is not a room role: use ROOM_ROLE_VIEWER, ROOM_ROLE_MEMBER, ROOM_ROLE_MODERATOR or ROOM_ROLE_OWNER.");
    }

    /// <summary>Text to search room names for, trimmed; empty means any.</summary>
    public static string Query(string field, string value)
    {
        var query = value.Trim();
        return query.Length <= MaxQueryLength && !query.Any(char.IsControl)
            ? query
            : throw AtomErrors.InvalidField(field, $"must be at most {MaxQueryLength} printable characters.");
    }

    /// <summary>
    /// A set of user ids: each an id, duplicates dropped (in first-seen order), between <paramref name="min"/> and
    /// <paramref name="max"/> of them.
    /// </summary>
    public static IReadOnlyList<string> UserIds(string field, IReadOnlyCollection<string> values, int min, int max)
    {
        // Checked before the ids themselves: a flood of ids is refused without looking at any of them.
        if (values.Count > max * 2)
        {
            throw AtomErrors.InvalidField(field, $"must name at most {max} users.");
        }

        var ids = values.Select(v => RequestRules.Id(field, v)).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count < min ? throw AtomErrors.InvalidField(field, min == 1 ? "must name at least one user." : $"must name at least {min} users.")
            : ids.Count > max ? throw AtomErrors.InvalidField(field, $"must name at most {max} users.")
            : ids;
    }

    /// <summary>The text of an annotation or comment (Markdown, kept as written): 1 to 4,000 characters, not blank.</summary>
    public static string AnnotationText(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw AtomErrors.InvalidField(field, "is required.");
        }

        if (CodePoints(value) > MaxAnnotationLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxAnnotationLength:N0} characters.");
        }

        return HasStrayControl(value) ? throw AtomErrors.InvalidField(field, "must not contain control characters other than line breaks and tabs.") : value;
    }

    /// <summary>How many Unicode code points (the unit annotations count in) a text has.</summary>
    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool HasStrayControl(string text) => text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdShape();
}
