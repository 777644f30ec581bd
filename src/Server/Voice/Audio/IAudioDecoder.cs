namespace Atom.Server.Voice.Audio;

/// <summary>
/// Turns audio bytes, written as they arrive, into 16 kHz mono signed 16-bit samples, read as they are produced. Writing and
/// reading may run concurrently (one writer, one reader). Decoding stops at <see cref="AudioOptions.MaxDuration"/>: the
/// samples end there, <see cref="LimitReached"/> turns true and later writes are discarded.
/// </summary>
/// <remarks>
/// Errors (<see cref="AudioFormatException"/>, <see cref="AudioDecoderUnavailableException"/>, <see cref="TimeoutException"/>)
/// are thrown by the write or completion that reveals them, and again by <see cref="ReadAllAsync"/> once the samples before
/// them are read. Disposing stops any decoding process at once.
/// </remarks>
public interface IAudioDecoder : IAsyncDisposable
{
    /// <summary>Gets the declared format the decoder was made for.</summary>
    AudioSourceFormat Format { get; }

    /// <summary>Gets how much audio has been produced so far.</summary>
    TimeSpan Decoded { get; }

    /// <summary>Gets whether decoding stopped at <see cref="AudioOptions.MaxDuration"/> before the input ended.</summary>
    bool LimitReached { get; }

    /// <summary>Decodes the next bytes of the input; they may split a header or a sample anywhere.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the bytes are taken.</returns>
    /// <exception cref="AudioFormatException">The bytes are not the declared format, or are corrupt.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Ends the input and waits until every sample is produced.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when decoding is done.</returns>
    /// <exception cref="AudioFormatException">The input is truncated or corrupt.</exception>
    /// <exception cref="TimeoutException">ffmpeg did not finish in time and was stopped.</exception>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the samples, in blocks, until the input is complete and decoded.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Blocks of 16 kHz mono samples; each block is the caller's to keep.</returns>
    IAsyncEnumerable<ReadOnlyMemory<short>> ReadAllAsync(CancellationToken cancellationToken = default);
}
