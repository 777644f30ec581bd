using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Atom.Server.Identity.Credentials;

/// <summary>
/// The text of an API key: <c>atom_&lt;prefix&gt;_&lt;secret&gt;</c>, where the prefix is 8 characters of
/// [a-z0-9] (public: shown in lists to recognise a key) and the secret 43 base64url characters of 32 random
/// bytes. 57 characters in all; the <c>atom_</c> start lets secret scanners find leaked keys.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>The length of every key.</summary>
    public const int Length = 57;

    private const string Start = "atom_";
    private const int PrefixLength = 8;
    private const int SecretLength = 43;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Makes a new random key.</summary>
    /// <returns>The key text, shown to its owner once.</returns>
    public static string Generate()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        return Start + prefix + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Checks the shape of a key and returns its public prefix.</summary>
    /// <param name="key">The key text.</param>
    /// <param name="prefix">The 8-character prefix.</param>
    /// <param name="problem">Why it is not a key, for configuration errors.</param>
    /// <returns>True when the text has the shape of an Atom API key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? key, [NotNullWhen(true)] out string? prefix, [NotNullWhen(false)] out string? problem)
    {
        prefix = null;
        if (string.IsNullOrEmpty(key) || key.Length != Length)
        {
            problem = $"an API key has {Length} characters (atom_ + 8-character prefix + _ + 43 base64url characters); this one has {key?.Length ?? 0}.";
            return false;
        }

        if (!key.StartsWith(Start, StringComparison.Ordinal) || key[Start.Length + PrefixLength] != '_')
        {
            problem = "an API key has the form atom_<8-character prefix>_<43 base64url characters>.";
            return false;
        }

        var candidate = key.Substring(Start.Length, PrefixLength);
        if (!candidate.All(c => PrefixAlphabet.Contains(c, StringComparison.Ordinal)))
        {
            problem = "the prefix of an API key (after atom_) is 8 characters of a-z and 0-9.";
            return false;
        }

        var secret = key.AsSpan(Start.Length + PrefixLength + 1);
        Span<byte> bytes = stackalloc byte[33];
        if (!Base64Url.IsValid(secret) || !Base64Url.TryDecodeFromChars(secret, bytes, out var written) || written != 32)
        {
            problem = "the last 43 characters of an API key are the base64url encoding of 32 random bytes.";
            return false;
        }

        prefix = candidate;
        problem = null;
        return true;
    }
}
