namespace Atom.Sdk.Internal;

/// <summary>
/// Header values to <see cref="Metadata"/>, the same on client and server: -bin values are base64 (padded
/// or not, several joined by commas), text values must be printable ASCII; anything else is dropped.
/// </summary>
internal static class MetadataCodec
{
    public static void AddHeaderValue(Metadata metadata, string key, string value)
    {
        if (Metadata.IsBinaryKey(key))
        {
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (TryDecodeBase64(part, out var bytes))
                {
                    metadata.Add(key, bytes);
                }
            }
        }
        else if (IsPrintableAscii(value))
        {
            metadata.Add(key, value);
        }
    }

    public static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
