namespace Atom.Server.Voice.Audio.Internal;

/// <summary>
/// Headerless 16-bit PCM at the declared rate and channels; 16 kHz mono passes through untouched. The first bytes are held
/// until they show that the audio is not a container in disguise (a client that declared PCM but sends a WAV or an MP3 would
/// otherwise be "recognised" as loud noise).
/// </summary>
internal sealed class RawPcmDecoder : AudioDecoderBase
{
    private readonly PcmConverter converter;
    private byte[]? head = [];

    public RawPcmDecoder(AudioSourceFormat format, TimeSpan maxDuration)
        : base(format, maxDuration)
    {
        var layout = new PcmLayout(format.SampleRate, format.Channels, 16, false);
        if (PcmConverter.Unsupported(layout) is { } problem)
        {
            throw new AudioFormatException($"Raw PCM with {problem} is not supported: declare 1 to 32 channels at 1,000 to 768,000 Hz.");
        }

        converter = new PcmConverter(layout);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Finished)
        {
            return ValueTask.CompletedTask;
        }

        if (head is not null)
        {
            head = [.. head, .. data.Span];
            if (head.Length < AudioSniffer.SignatureBytes || AudioSniffer.MightBeMp3(head))
            {
                return ValueTask.CompletedTask;
            }

            data = ReleaseHead();
        }

        Emit(converter.Convert(data.Span));
        return ValueTask.CompletedTask;
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (Finished)
        {
            return ValueTask.CompletedTask;
        }

        if (head is not null)
        {
            Emit(converter.Convert(ReleaseHead().Span));
        }

        var odd = converter.PendingBytes;
        Emit(converter.Flush());
        if (odd > 0)
        {
            throw Fail(new AudioFormatException(
                $"The raw PCM ends with {odd} byte{(odd == 1 ? string.Empty : "s")} of an incomplete frame: 16-bit samples in {Format.Channels} channel(s) come in frames of {Format.Channels * 2} bytes."));
        }

        Finish();
        return ValueTask.CompletedTask;
    }

    private ReadOnlyMemory<byte> ReleaseHead()
    {
        var bytes = head!;
        head = null;
        if (AudioSniffer.Detect(bytes) is { } container)
        {
            throw Fail(new AudioFormatException(
                $"The audio was declared raw PCM but starts like a {AudioSniffer.Name(container)} file; declare it as {AudioSniffer.Name(container)}, or send headerless 16-bit samples.")
            {
                IsMismatch = true,
            });
        }

        return bytes;
    }
}
