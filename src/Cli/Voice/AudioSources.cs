using System.Runtime.CompilerServices;

namespace Atom.Cli.Voice;

/// <summary>Where the audio of a live transcription comes from, as chunks to send: a file, a WAV paced in real time, a microphone.</summary>
internal static class AudioSources
{
    /// <summary>The chunks of a file sent as fast as the server takes them: large enough that framing costs nothing.</summary>
    public const int FileChunkBytes = 32 * 1024;

    /// <summary>The stretch of audio a live chunk holds: what a microphone would deliver at a time.</summary>
    public static readonly TimeSpan LiveChunk = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads a file in chunks, as fast as they are taken.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>The chunks.</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> File(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var buffer = new byte[FileChunkBytes];
        int read;
        while ((read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
        {
            yield return buffer.AsMemory(0, read);
        }
    }

    /// <summary>
    /// Reads a WAV at the pace it plays: its header with the first 100 ms, then 100 ms at a time, each once the time it
    /// covers has passed. <paramref name="stop"/> ends the audio early (Ctrl+C), as a speaker who stops talking.
    /// </summary>
    /// <param name="path">The WAV.</param>
    /// <param name="layout">Its header.</param>
    /// <param name="pacer">The clock of the audio.</param>
    /// <param name="stop">Ends the audio, without an error.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The chunks.</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> PacedWav(string path, WavLayout layout, RealTimePacer pacer, CancellationToken stop, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var chunk = layout.Bytes(LiveChunk);
        var buffer = new byte[layout.DataOffset + chunk];
        var want = buffer.Length;
        var samples = -(long)layout.DataOffset;
        int read;
        while (!stop.IsCancellationRequested
            && (read = await file.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
        {
            samples += read;
            if (!await WaitAsync(pacer, Math.Max(0, samples), stop, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }

            yield return buffer.AsMemory(0, read);
            want = chunk;
        }
    }

    /// <summary>Reads a process's standard output (a recorder's) in live chunks until it ends or <paramref name="stop"/>.</summary>
    /// <param name="output">The recorder's output.</param>
    /// <param name="chunkBytes">The bytes of one chunk.</param>
    /// <param name="stop">Ends the audio, without an error.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The chunks.</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Recorder(Stream output, int chunkBytes, CancellationToken stop, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[chunkBytes];
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
        while (true)
        {
            int read;
            try
            {
                read = await output.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (read == 0)
            {
                yield break;
            }

            yield return buffer.AsMemory(0, read);
        }
    }

    /// <summary>Waits until a chunk is due; false when the audio was stopped meanwhile.</summary>
    private static async Task<bool> WaitAsync(RealTimePacer pacer, long bytes, CancellationToken stop, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
        try
        {
            await pacer.WaitAsync(bytes, either.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
