using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>
/// Tells an audio file's encoding by its first bytes, not by its name: a recording saved as <c>.wav</c> that is really
/// MP3 is then declared as what it is, and the server does not refuse it as a format mismatch.
/// </summary>
internal static class AudioSignature
{
    /// <summary>How many of a file's first bytes <see cref="Detect"/> looks at.</summary>
    public const int Length = 12;

    /// <summary>Gets the encoding a file's first bytes say it has.</summary>
    /// <param name="head">The file's first bytes (up to <see cref="Length"/>).</param>
    /// <returns>The encoding, or <see cref="AudioEncoding.Unspecified"/> when they are none the server takes.</returns>
    public static AudioEncoding Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return AudioEncoding.Wav;
        }

        if (head.Length >= 8 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return AudioEncoding.M4A;
        }

        if (head.Length < 4)
        {
            return AudioEncoding.Unspecified;
        }

        if (head[..4].SequenceEqual("OggS"u8))
        {
            return AudioEncoding.Ogg;
        }

        if (head[..4].SequenceEqual("fLaC"u8))
        {
            return AudioEncoding.Flac;
        }

        if (head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return AudioEncoding.Webm;
        }

        // An ID3 tag, or an MPEG audio layer III frame header (sync bits, then layer bits 01); the server checks the rest.
        return head[..3].SequenceEqual("ID3"u8) || (head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) == 0x02)
            ? AudioEncoding.Mp3
            : AudioEncoding.Unspecified;
    }

    /// <summary>Gets the encoding of a file on disk.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="FormatException">Its first bytes are none of the encodings the server takes.</exception>
    public static AudioEncoding Of(string path)
    {
        Span<byte> head = stackalloc byte[Length];
        using var file = File.OpenRead(path);
        var encoding = Detect(head[..file.ReadAtLeast(head, Length, throwOnEndOfStream: false)]);
        return encoding != AudioEncoding.Unspecified ? encoding : throw new FormatException("its first bytes are none of WAV, MP3, OGG, FLAC, WebM or M4A");
    }

    /// <summary>Gets an encoding's name, as people know it.</summary>
    /// <param name="encoding">The encoding.</param>
    /// <returns>The name.</returns>
    public static string Name(AudioEncoding encoding) => encoding switch
    {
        AudioEncoding.Linear16 => "raw PCM (16-bit)",
        AudioEncoding.Wav => "WAV",
        AudioEncoding.Mp3 => "MP3",
        AudioEncoding.Ogg => "Ogg",
        AudioEncoding.Flac => "FLAC",
        AudioEncoding.Webm => "WebM",
        AudioEncoding.M4A => "M4A",
        _ => "unknown",
    };
}
