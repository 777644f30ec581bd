using Atom.Server.Voice.Audio.Internal;

namespace Atom.Server.Voice.Audio;

/// <summary>
/// Decodes a whole stored recording (WAV, MP3, M4A, OGG, FLAC, WebM) to 16 kHz mono, for transcribing files. The container is
/// recognised from the bytes, not the name. PCM WAV is read in managed code; other WAV codecs (A-law, ADPCM) and everything
/// else go to ffmpeg, which reads the file itself so that it can seek.
/// </summary>
public sealed class AudioFileDecoder(AudioDecoderFactory factory)
{
    private const int ReadBlock = 64 * 1024;

    /// <summary>Decodes a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">The cancellation token; cancelling kills ffmpeg.</param>
    /// <returns>The samples, cut at <see cref="AudioOptions.MaxDuration"/> (then <see cref="DecodedAudio.Truncated"/>).</returns>
    /// <exception cref="AudioFormatException">The file is not audio Atom recognises, or is corrupt.</exception>
    /// <exception cref="AudioDecoderUnavailableException">It needs ffmpeg and there is none.</exception>
    /// <exception cref="TimeoutException">ffmpeg took longer than <see cref="AudioOptions.FileTimeout"/> and was stopped.</exception>
    public async Task<DecodedAudio> DecodeAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBlock, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var head = new byte[AudioSniffer.Mp3ProbeBytes];
        var headLength = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (headLength == 0)
        {
            throw new AudioFormatException("The audio file is empty.");
        }

        var container = AudioSniffer.Detect(head.AsSpan(0, headLength))
            ?? throw new AudioFormatException("The file is not audio Atom can decode: it is none of WAV, MP3, M4A, Ogg, FLAC or WebM.");
        if (container == AudioContainer.Wav && await IsManagedWavAsync(file, cancellationToken))
        {
            file.Position = 0;
            await using var wav = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
            var buffer = new byte[ReadBlock];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0 && !wav.LimitReached)
            {
                await wav.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await wav.CompleteAsync(cancellationToken);
            return await CollectAsync(wav, container, cancellationToken);
        }

        await using var decoder = factory.CreateForFile(container, path);
        await decoder.CompleteAsync(cancellationToken);
        return await CollectAsync(decoder, container, cancellationToken);
    }

    // A WAV whose header the managed reader does not take still goes to ffmpeg, which knows every WAV codec.
    private static async Task<bool> IsManagedWavAsync(FileStream file, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var head = new byte[(int)Math.Min(file.Length, WavHeader.MaxHeaderBytes + 16)];
        var length = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return WavHeader.TryRead(head.AsSpan(0, length), out var header, out _) != WavHeader.Outcome.Read || header!.Unsupported() is null;
    }

    private static async Task<DecodedAudio> CollectAsync(IAudioDecoder decoder, AudioContainer container, CancellationToken cancellationToken)
    {
        var blocks = new List<ReadOnlyMemory<short>>();
        var total = 0;
        await foreach (var block in decoder.ReadAllAsync(cancellationToken))
        {
            blocks.Add(block);
            total += block.Length;
        }

        var samples = new short[total];
        var at = 0;
        foreach (var block in blocks)
        {
            block.Span.CopyTo(samples.AsSpan(at));
            at += block.Length;
        }

        return new DecodedAudio(samples, container, decoder.LimitReached);
    }
}
