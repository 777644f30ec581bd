using System.Security.Cryptography;
using System.Text;

namespace Atom.Server.Identity.Credentials;

/// <summary>
/// One-time MFA recovery codes like <c>k7qm-x2dp-9hwa</c>: 12 characters from a 31-character alphabet without
/// look-alikes (about 59 bits each). Stored as SHA-256 of the normalised code salted with the user id: they are
/// random, not chosen by people, so a fast hash suffices.
/// </summary>
public static class RecoveryCodes
{
    /// <summary>How many codes a user gets at a time.</summary>
    public const int Count = 10;

    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no i, l, o, 0, 1: hard to misread

    /// <summary>Makes a fresh set of codes.</summary>
    /// <returns>The codes, to show the user once.</returns>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new List<string>(Count);
        for (var i = 0; i < Count; i++)
        {
            var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 12);
            codes.Add($"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}");
        }

        return codes;
    }

    /// <summary>The stored form of a code: case, spaces and hyphens do not matter.</summary>
    /// <param name="userId">The user the code belongs to (the salt).</param>
    /// <param name="code">The code.</param>
    /// <returns>The hash, lower-case hex.</returns>
    public static string Hash(string userId, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var normalised = new string(code.Where(c => c is not (' ' or '-')).Select(char.ToLowerInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId + ":" + normalised)));
    }
}
