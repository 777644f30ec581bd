namespace Atom.Server.Identity.Credentials;

/// <summary>RFC 4648 base32 (alphabet A–Z, 2–7), the encoding authenticator apps expect for TOTP secrets.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Encodes bytes.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="padding">Whether to pad to a multiple of 8 characters with '='; authenticator URIs leave it off.</param>
    /// <returns>The upper-case text.</returns>
    public static string Encode(ReadOnlySpan<byte> data, bool padding = false)
    {
        var chars = new System.Text.StringBuilder((data.Length + 4) / 5 * 8);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        while (padding && chars.Length % 8 != 0)
        {
            chars.Append('=');
        }

        return chars.ToString();
    }

    /// <summary>Decodes text, ignoring case, spaces, hyphens and trailing '=' padding.</summary>
    /// <param name="text">The text.</param>
    /// <param name="data">The bytes, when the text is base32.</param>
    /// <returns>False when the text has a character outside the alphabet or an impossible length.</returns>
    public static bool TryDecode(string text, out byte[] data)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0, count = 0;
        var trimmed = text.TrimEnd('=');
        foreach (var c in trimmed)
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                data = [];
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            count++;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        // Lengths of 1, 3 or 6 characters modulo 8 cannot come from whole bytes.
        if (count % 8 is 1 or 3 or 6)
        {
            data = [];
            return false;
        }

        data = [.. output];
        return true;
    }
}
