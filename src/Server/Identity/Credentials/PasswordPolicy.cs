using System.Text;

namespace Atom.Server.Identity.Credentials;

/// <summary>Why a password was refused.</summary>
public enum PasswordProblemKind
{
    /// <summary>Fewer than <see cref="PasswordPolicy.MinLength"/> characters.</summary>
    TooShort,

    /// <summary>More than <see cref="PasswordPolicy.MaxLength"/> characters.</summary>
    TooLong,

    /// <summary>On the list of commonly used passwords.</summary>
    Common,

    /// <summary>Contains the local part of the user's email.</summary>
    ContainsEmail,
}

/// <summary>One reason a password was refused, with a message fit for the user.</summary>
/// <param name="Kind">The reason.</param>
/// <param name="Message">A sentence for the user.</param>
public sealed record PasswordProblem(PasswordProblemKind Kind, string Message);

/// <summary>
/// Atom's password rules, after NIST SP 800-63B: long enough, not absurdly long, not a common password, not the
/// user's own email name. No composition rules (they make passwords worse, not stronger). Length counts Unicode
/// code points, so an emoji is one character.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>The fewest characters a password may have.</summary>
    public const int MinLength = 12;

    /// <summary>The most characters a password may have.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks a password; every rule that fails is reported.</summary>
    /// <param name="password">The password.</param>
    /// <param name="email">The user's email, or null.</param>
    /// <returns>The problems; empty when the password is acceptable.</returns>
    public static IReadOnlyList<PasswordProblem> Check(string password, string? email = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var problems = new List<PasswordProblem>();
        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            problems.Add(new PasswordProblem(PasswordProblemKind.TooShort, $"The password has {length} characters; it needs at least {MinLength}."));
        }
        else if (length > MaxLength)
        {
            problems.Add(new PasswordProblem(PasswordProblemKind.TooLong, $"The password has {length} characters; at most {MaxLength} are allowed."));
        }

        var folded = password.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        if (CommonPasswords.Contains(folded))
        {
            problems.Add(new PasswordProblem(PasswordProblemKind.Common, "The password is one of the most commonly used passwords; choose another."));
        }

        var local = email is null ? string.Empty : email.Split('@')[0].Trim().ToLowerInvariant();
        if (local.Length >= 3 && folded.Contains(local, StringComparison.Ordinal))
        {
            problems.Add(new PasswordProblem(PasswordProblemKind.ContainsEmail, "The password contains your email name; choose one that does not."));
        }

        return problems;
    }

    /// <summary>Gets a value indicating whether a password passes every rule.</summary>
    /// <param name="password">The password.</param>
    /// <param name="email">The user's email, or null.</param>
    /// <returns>True when acceptable.</returns>
    public static bool IsAcceptable(string password, string? email = null) => Check(password, email).Count == 0;
}
