using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Atom.Server.Identity.Credentials;

/// <summary>
/// Hashes passwords with PBKDF2-HMAC-SHA256 (a 16-byte random salt per hash, 32-byte output) into a
/// self-describing string <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, so the
/// iteration count can rise over time: <see cref="NeedsRehash"/> tells the sign-in path to re-hash.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>The iteration count new hashes get by default (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Initializes a new instance of the <see cref="PasswordHasher"/> class.</summary>
    /// <param name="iterations">The iteration count for new hashes (the policy); at least 1.</param>
    public PasswordHasher(int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Iterations = iterations;
    }

    /// <summary>Gets the iteration count new hashes get.</summary>
    public int Iterations { get; }

    /// <summary>Hashes a password with a fresh random salt.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The self-describing hash.</returns>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Checks a password against a hash in constant time (for hashes of equal length). A malformed hash never verifies.</summary>
    /// <param name="password">The password presented.</param>
    /// <param name="encoded">The stored hash.</param>
    /// <returns>True when the password matches.</returns>
    public static bool Verify(string password, string? encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Derive(password, salt, iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether a hash was made with fewer iterations than this hasher's policy (or is not a hash this class understands).</summary>
    /// <param name="encoded">The stored hash.</param>
    /// <returns>True when the password should be hashed again after a successful sign-in.</returns>
    public bool NeedsRehash(string encoded) =>
        !TryParse(encoded, out var iterations, out _, out var hash) || iterations < Iterations || hash.Length != HashBytes;

    /// <summary>PBKDF2-HMAC-SHA256 itself, exposed for the published test vectors.</summary>
    internal static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = encoded?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length > 0 && hash.Length > 0;
    }
}
