using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Atom.Server.Identity.Credentials;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over the HOTP of RFC 4226): HMAC-SHA1, 6 digits, 30-second steps,
/// accepting the previous, current and next step for clock drift. Replay protection is the caller's: a step at
/// or below the user's last accepted step is refused (see <see cref="MultiFactorService"/>).
/// </summary>
public static class Totp
{
    /// <summary>The length of a time step.</summary>
    public static readonly TimeSpan StepLength = TimeSpan.FromSeconds(30);

    /// <summary>The number of digits of a code.</summary>
    public const int Digits = 6;

    /// <summary>The number of steps before and after the current one that are accepted.</summary>
    public const int Window = 1;

    /// <summary>Makes a new random secret of 20 bytes (160 bits, RFC 4226's recommendation), base32-encoded.</summary>
    /// <returns>The secret.</returns>
    public static string NewSecret() => Base32.Encode(RandomNumberGenerator.GetBytes(20));

    /// <summary>The time step of an instant: whole 30-second periods since the unix epoch.</summary>
    /// <param name="time">The instant.</param>
    /// <returns>The step.</returns>
    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)StepLength.TotalSeconds;

    /// <summary>The code of a step (RFC 4226 dynamic truncation).</summary>
    /// <param name="key">The secret key bytes.</param>
    /// <param name="step">The step (HOTP counter).</param>
    /// <param name="digits">The number of digits.</param>
    /// <param name="algorithm">SHA1 (the default for apps), SHA256 or SHA512 (for RFC 6238's vectors).</param>
    /// <returns>The code, zero-padded.</returns>
    public static string Compute(ReadOnlySpan<byte> key, long step, int digits = Digits, HashAlgorithmName? algorithm = null)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[64];
        var name = algorithm ?? HashAlgorithmName.SHA1;
#pragma warning disable CA5350 // RFC 6238 and every authenticator app use HMAC-SHA1; HMAC does not rely on SHA-1's collision resistance.
        var length = name == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, counter, mac)
            : name == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, counter, mac)
            : name == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, counter, mac)
            : throw new ArgumentOutOfRangeException(nameof(algorithm), name, "TOTP uses SHA1, SHA256 or SHA512.");
#pragma warning restore CA5350
        var offset = mac[length - 1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7fffffff;
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>Finds the step a code belongs to, within ±<see cref="Window"/> of <paramref name="now"/> and after <paramref name="lastAcceptedStep"/>.</summary>
    /// <param name="base32Secret">The secret.</param>
    /// <param name="code">The code typed (spaces ignored).</param>
    /// <param name="now">The current time.</param>
    /// <param name="lastAcceptedStep">The last step accepted for this secret; codes at or before it are replays.</param>
    /// <param name="step">The matched step, to record as the new last accepted step.</param>
    /// <returns>True when the code matches a step that is not a replay.</returns>
    public static bool TryMatch(string base32Secret, string code, DateTimeOffset now, long? lastAcceptedStep, out long step)
    {
        ArgumentNullException.ThrowIfNull(code);
        step = 0;
        var digits = code.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit) || !Base32.TryDecode(base32Secret, out var key))
        {
            return false;
        }

        var current = StepAt(now);
        var matched = false;
        for (var candidate = current - Window; candidate <= current + Window; candidate++)
        {
            // Every candidate is computed and compared in constant time, so timing tells nothing about which matched.
            var expected = Compute(key, candidate);
            var equal = CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(digits));
            if (equal && !matched && (lastAcceptedStep is not { } last || candidate > last))
            {
                step = candidate;
                matched = true;
            }
        }

        return matched;
    }

    /// <summary>The otpauth:// URI authenticator apps read from a QR code.</summary>
    /// <param name="base32Secret">The secret.</param>
    /// <param name="issuer">The service name, e.g. <c>Atom</c>.</param>
    /// <param name="account">The account, e.g. the email.</param>
    /// <returns>The URI.</returns>
    public static string OtpAuthUri(string base32Secret, string issuer, string account)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return $"otpauth://totp/{label}?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={(int)StepLength.TotalSeconds}";
    }
}
