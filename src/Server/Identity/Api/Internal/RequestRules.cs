using System.Net.Mail;
using System.Text.RegularExpressions;
using Atom.Sdk;
using Atom.Server.Identity.Credentials;
using Atom.Server.Storage;
using Atom.V1;

namespace Atom.Server.Identity.Api.Internal;

/// <summary>
/// The rules request fields of the identity API follow. Each check throws INVALID_ARGUMENT naming the field,
/// before anything is read or written, so a bad request changes nothing.
/// </summary>
internal static partial class RequestRules
{
    public const int MaxDisplayNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxIdLength = 64;
    public const int MaxRequestIdLength = 128;
    public const int MaxKeyNameLength = 100;
    public const int MaxScopes = 32;

    /// <summary>A short name: the one shape for tenant, group and service account names, safe in URLs and on a command line.</summary>
    public static string ShortName(string field, string value)
    {
        if (value.Length == 0)
        {
            throw AtomErrors.InvalidField(field, "is required.");
        }

        return ShortNamePattern().IsMatch(value)
            ? value
            : throw AtomErrors.InvalidField(field, "must be 2 to 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit.");
    }

    /// <summary>A display name, trimmed; empty means <paramref name="fallback"/>.</summary>
    public static string DisplayName(string field, string value, string fallback)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > MaxDisplayNameLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxDisplayNameLength} characters.");
        }

        if (trimmed.Any(char.IsControl))
        {
            throw AtomErrors.InvalidField(field, "must not contain control characters.");
        }

        return trimmed.Length == 0 ? fallback : trimmed;
    }

    /// <summary>An email address, trimmed; the store compares it case-insensitively.</summary>
    public static string Email(string field, string value)
    {
        var email = value.Trim();
        if (email.Length == 0)
        {
            throw AtomErrors.InvalidField(field, "is required.");
        }

        if (email.Length > MaxEmailLength)
        {
            throw AtomErrors.InvalidField(field, $"must be at most {MaxEmailLength} characters.");
        }

        // MailAddress also accepts display-name forms ("Ann <ann@x>"): insist the whole text is the address.
        return !email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) && MailAddress.TryCreate(email, out var address) && address.Address == email
            ? email
            : throw AtomErrors.InvalidField(field, "is not an email address.");
    }

    /// <summary>A resource id: required, bounded. Whether it exists (in the caller's tenant) is the handler's question.</summary>
    public static string Id(string field, string value)
    {
        if (value.Length == 0)
        {
            throw AtomErrors.InvalidField(field, "is required.");
        }

        return value.Length <= MaxIdLength && !value.Any(char.IsControl)
            ? value
            : throw AtomErrors.InvalidField(field, "is not an id this server issues.");
    }

    /// <summary>An optional client-chosen request id for idempotent creates.</summary>
    public static string RequestId(string value) =>
        value.Length <= MaxRequestIdLength && !value.Any(char.IsControl)
            ? value
            : throw AtomErrors.InvalidField("request_id", $"must be at most {MaxRequestIdLength} printable characters.");

    /// <summary>A set of roles: each a defined role, no duplicates kept; empty means <paramref name="whenEmpty"/>.</summary>
    public static IReadOnlyList<Role> Roles(string field, IReadOnlyCollection<Role> roles, IReadOnlyList<Role> whenEmpty)
    {
        foreach (var role in roles)
        {
            if (role == Role.Unspecified || !Enum.IsDefined(role))
            {
                throw AtomErrors.InvalidField(field, $"{(int)role} is not a role: use ROLE_OWNER, ROLE_ADMIN, ROLE_MEMBER, ROLE_AUDITOR or ROLE_GUEST.");
            }
        }

        return roles.Count == 0 ? whenEmpty : [.. roles.Distinct().Order()];
    }

    /// <summary>A new password: long enough, not too long, not a common one, not the email.</summary>
    public static string NewPassword(string field, string password, string? email)
    {
        var problems = PasswordPolicy.Check(password, email);
        return problems.Count == 0 ? password : throw AtomErrors.InvalidField(field, string.Join(" ", problems.Select(p => p.Message)));
    }

    /// <summary>Paging: a negative size is an error, zero means the default and sizes above the maximum are lowered to it (AIP-158).</summary>
    public static PageRequest Page(int pageSize, string pageToken) =>
        pageSize >= 0 ? new PageRequest(pageSize, pageToken) : throw AtomErrors.InvalidField("page_size", "must not be negative.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortNamePattern();
}
