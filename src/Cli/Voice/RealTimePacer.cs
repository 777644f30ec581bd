namespace Atom.Cli.Voice;

/// <summary>
/// Sends recorded audio no faster than it was recorded, as a microphone would: a chunk goes once the time it covers
/// has passed since the first, so the latency <c>atom listen</c> shows is what a live speaker would see.
/// </summary>
/// <param name="bytesPerSecond">Bytes a second of the audio takes.</param>
/// <param name="time">The clock; the system's by default.</param>
internal sealed class RealTimePacer(int bytesPerSecond, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private DateTimeOffset? _start;

    /// <summary>Gets when the audio started, once the clock runs: the time its offset 0 was "recorded".</summary>
    public DateTimeOffset? Start => _start;

    /// <summary>Gets how far into the audio a number of bytes reaches.</summary>
    /// <param name="bytes">Bytes of samples.</param>
    /// <returns>The offset.</returns>
    public TimeSpan Offset(long bytes) => TimeSpan.FromSeconds((double)bytes / bytesPerSecond);

    /// <summary>Gets how long to wait, now, before sending the audio up to an offset; the first call starts the clock.</summary>
    /// <param name="bytes">Bytes of samples sent once this chunk is.</param>
    /// <returns>The wait; zero when it is already due.</returns>
    public TimeSpan Wait(long bytes)
    {
        var now = _time.GetUtcNow();
        _start ??= now;
        var due = _start.Value + Offset(bytes) - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>Waits until the audio up to an offset has been "recorded".</summary>
    /// <param name="bytes">Bytes of samples sent once this chunk is.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the chunk is due.</returns>
    public Task WaitAsync(long bytes, CancellationToken cancellationToken) =>
        Wait(bytes) is var wait && wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : Task.CompletedTask;

    /// <summary>Gets how long after it was "recorded" a point of the audio is now: the latency of a segment that ends there.</summary>
    /// <param name="offset">The point, e.g. a final segment's end.</param>
    /// <returns>The latency, or null before the clock started.</returns>
    public TimeSpan? Since(TimeSpan offset) => _start is { } start ? _time.GetUtcNow() - (start + offset) : null;
}
