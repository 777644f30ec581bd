using System.Collections;
using System.Text;

namespace Atom.Sdk;

/// <summary>
/// Custom headers or trailers of a call. Keys are lower case; a key ending in <c>-bin</c> carries bytes
/// (base64 on the wire), any other key carries printable ASCII.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    /// <summary>The suffix of keys whose values are binary.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a text entry.</summary>
    /// <param name="key">The key: lower-case letters, digits, '-', '_' and '.'; not ending in -bin.</param>
    /// <param name="value">Printable ASCII.</param>
    /// <returns>This instance.</returns>
    public Metadata Add(string key, string value)
    {
        _entries.Add(new Entry(key, value));
        return this;
    }

    /// <summary>Adds a binary entry.</summary>
    /// <param name="key">The key, ending in -bin.</param>
    /// <param name="value">The bytes.</param>
    /// <returns>This instance.</returns>
    public Metadata Add(string key, byte[] value)
    {
        _entries.Add(new Entry(key, value));
        return this;
    }

    /// <summary>Adds an entry.</summary>
    /// <param name="entry">The entry.</param>
    public void Add(Entry entry) => _entries.Add(entry);

    /// <summary>Gets the last entry with the key, or null.</summary>
    /// <param name="key">The key, in any case.</param>
    /// <returns>The entry, or null.</returns>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>Gets the text value of the last entry with the key, or null.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or null.</returns>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>Gets the bytes of the last entry with the key, or null.</summary>
    /// <param name="key">The key, ending in -bin.</param>
    /// <returns>The value, or null.</returns>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>Gets every entry with the key, in order.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The entries.</returns>
    public IEnumerable<Entry> GetAll(string key) => _entries.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether a key carries binary values.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True for keys ending in -bin.</returns>
    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>One key and its value.</summary>
    public sealed class Entry
    {
        private readonly string? _text;
        private readonly byte[]? _bytes;

        /// <summary>Creates a text entry.</summary>
        /// <param name="key">The key.</param>
        /// <param name="value">Printable ASCII.</param>
        public Entry(string key, string value)
        {
            Key = ValidateKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{key}' ends in -bin and needs a byte[] value.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"The value of '{key}' has a character outside printable ASCII; use a -bin key for other data.", nameof(value));
                }
            }

            _text = value;
        }

        /// <summary>Creates a binary entry.</summary>
        /// <param name="key">The key, ending in -bin.</param>
        /// <param name="value">The bytes.</param>
        public Entry(string key, byte[] value)
        {
            Key = ValidateKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{key}' carries bytes and must end in -bin.", nameof(key));
            }

            _bytes = value ?? throw new ArgumentNullException(nameof(value));
        }

        /// <summary>Gets the key, in lower case.</summary>
        public string Key { get; }

        /// <summary>Gets a value indicating whether the value is binary.</summary>
        public bool IsBinary => _bytes is not null;

        /// <summary>Gets the text value; for binary entries, the base64 form.</summary>
        public string Value => _text ?? Convert.ToBase64String(_bytes!);

        /// <summary>Gets the bytes; for text entries, the ASCII bytes.</summary>
        public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_text!);

        /// <inheritdoc />
        public override string ToString() => $"{Key}: {Value}";

        private static string ValidateKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var lower = key.ToLowerInvariant();
            foreach (var c in lower)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
                {
                    throw new ArgumentException($"Metadata key '{key}' has '{c}'; keys may hold a-z, 0-9, '-', '_' and '.'.", nameof(key));
                }
            }

            return lower;
        }
    }
}
