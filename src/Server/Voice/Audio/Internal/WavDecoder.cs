namespace Atom.Server.Voice.Audio.Internal;

/// <summary>
/// WAV in managed code, as it arrives: the header is collected until the data chunk starts, then samples go through
/// <see cref="PcmConverter"/>. Bytes past the declared data length (trailing chunks) are ignored; a data chunk shorter than
/// declared (a recording cut off) decodes to what is there, as ffmpeg does.
/// </summary>
internal sealed class WavDecoder(AudioSourceFormat format, TimeSpan maxDuration) : AudioDecoderBase(format, maxDuration)
{
    private byte[]? head = [];
    private PcmConverter? converter;
    private long dataLeft;

    /// <summary>Gets the header, once read.</summary>
    public WavHeader? Header { get; private set; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Finished)
        {
            return ValueTask.CompletedTask;
        }

        if (head is not null)
        {
            head = [.. head, .. data.Span];
            if (!TryReadHeader(final: false, out data))
            {
                return ValueTask.CompletedTask;
            }
        }

        Decode(data.Span);
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
            TryReadHeader(final: true, out var data);
            Decode(data.Span);
        }

        Emit(converter!.Flush());
        Finish();
        return ValueTask.CompletedTask;
    }

    private void Decode(ReadOnlySpan<byte> data)
    {
        var take = (int)Math.Min(data.Length, dataLeft);
        dataLeft -= take;
        if (take > 0)
        {
            Emit(converter!.Convert(data[..take]));
        }
    }

    private bool TryReadHeader(bool final, out ReadOnlyMemory<byte> data)
    {
        data = ReadOnlyMemory<byte>.Empty;
        switch (WavHeader.TryRead(head, out var header, out var problem))
        {
            case WavHeader.Outcome.NeedMore when !final:
                return false;
            case WavHeader.Outcome.NeedMore:
                throw Fail(new AudioFormatException(
                    head!.Length == 0 ? "The WAV is empty." : $"The WAV ends after {head.Length} bytes, inside its header, before any samples."));
            case WavHeader.Outcome.Invalid:
                var other = AudioSniffer.Detect(head);
                throw Fail(new AudioFormatException(other is { } container and not AudioContainer.Wav
                    ? $"The audio was declared WAV but starts like a {AudioSniffer.Name(container)} file; declare it as {AudioSniffer.Name(container)}."
                    : $"The WAV cannot be read: {problem}.")
                {
                    IsMismatch = other is not null and not AudioContainer.Wav,
                });
        }

        if (header!.Unsupported() is { } unsupported)
        {
            throw Fail(new AudioFormatException(
                $"WAV with {unsupported} cannot be streamed; send 8/16/24/32-bit integer or 32/64-bit float PCM, or upload it as a file."));
        }

        Header = header;
        converter = new PcmConverter(header.Layout);
        dataLeft = header.DataLength ?? long.MaxValue;
        data = head.AsMemory(header.DataOffset);
        head = null;
        return true;
    }
}
