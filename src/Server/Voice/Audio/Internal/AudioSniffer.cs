using Atom.Server.Media;

namespace Atom.Server.Voice.Audio.Internal;

/// <summary>Recognises a container by its first bytes, to catch audio that is not what it was declared to be.</summary>
internal static class AudioSniffer
{
    /// <summary>Enough for every signature but two consecutive MP3 frames.</summary>
    public const int SignatureBytes = 12;

    /// <summary>Enough for two consecutive MP3 frames at the highest bit rate and lowest sample rate.</summary>
    public const int Mp3ProbeBytes = 2 * 2881 + 4;

    /// <summary>The container <paramref name="head"/> starts like, or null when it is none of them (or too short to tell).</summary>
    public static AudioContainer? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return AudioContainer.Wav;
        }

        if (head.Length >= 4)
        {
            if (head[..4].SequenceEqual("OggS"u8))
            {
                return AudioContainer.Ogg;
            }

            if (head[..4].SequenceEqual("fLaC"u8))
            {
                return AudioContainer.Flac;
            }

            if (head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            {
                return AudioContainer.WebM;
            }
        }

        if (head.Length >= 8 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return AudioContainer.M4a;
        }

        // An ID3v2 tag is mostly MP3's, but taggers put it before FLAC too: what follows the tag decides.
        if (MpegFrame.Id3v2Length(head) is > 0 and var tag)
        {
            return tag + 4 <= head.Length && head.Slice((int)tag, 4).SequenceEqual("fLaC"u8) ? AudioContainer.Flac : AudioContainer.Mp3;
        }

        // One sync word occurs by chance in PCM too often to trust; two frames back to back do not.
        return MpegFrame.TryParse(head, out var frame) && MpegFrame.TryParse(head[Math.Min(frame.Length, head.Length)..], out _)
            ? AudioContainer.Mp3
            : null;
    }

    /// <summary>Whether <paramref name="head"/> could be the start of an MP3 frame whose successor is not yet in view.</summary>
    public static bool MightBeMp3(ReadOnlySpan<byte> head) =>
        head.Length < Mp3ProbeBytes && (head.Length < 2 || (head[0] == 0xFF && (head[1] & 0xE0) == 0xE0));

    /// <summary>A container's name in messages.</summary>
    public static string Name(AudioContainer container) => container switch
    {
        AudioContainer.RawPcm => "raw PCM",
        AudioContainer.Wav => "WAV",
        AudioContainer.Mp3 => "MP3",
        AudioContainer.Ogg => "Ogg",
        AudioContainer.WebM => "WebM",
        AudioContainer.M4a => "M4A",
        AudioContainer.Flac => "FLAC",
        _ => container.ToString(),
    };
}
