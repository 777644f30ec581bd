using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Atom.Server.Processes;
using Atom.Server.Voice.Audio.Internal;

namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>
/// Turns a synthesizer's mono 16-bit PCM, as it comes, into the requested format: resampled in managed code
/// (<see cref="PcmConverter"/>) for PCM and WAV, encoded by ffmpeg (libmp3lame, libopus; it resamples too) for MP3 and
/// Ogg/Opus, with ffmpeg's output streamed back while the input is still being written.
/// </summary>
internal sealed class SpeechEncoder(string? ffmpeg, string? ffmpegProblem, TimeSpan timeout)
{
    /// <summary>Whether a format can be produced here; null when it can, else why not.</summary>
    public string? Unavailable(SynthesisFormat format) =>
        format is SynthesisFormat.Mp3 or SynthesisFormat.OggOpus && ffmpeg is null
            ? $"{format} output needs ffmpeg: {ffmpegProblem ?? "it was not found"}"
            : null;

    public IAsyncEnumerable<AudioChunk> EncodeAsync(
        IAsyncEnumerable<short[]> pcm, int sourceRate, SynthesisRequest request, CancellationToken cancellationToken) =>
        request.Format is SynthesisFormat.Mp3 or SynthesisFormat.OggOpus
            ? CompressAsync(pcm, sourceRate, request, cancellationToken)
            : RawAsync(pcm, sourceRate, request, cancellationToken);

    private static async IAsyncEnumerable<AudioChunk> RawAsync(
        IAsyncEnumerable<short[]> pcm, int sourceRate, SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rate = request.OutputSampleRate;
        if (request.Format == SynthesisFormat.Wav)
        {
            yield return new AudioChunk(WavStreamHeader.Create(rate, null));
        }

        var converter = new PcmConverter(new PcmLayout(sourceRate, 1, 16, false), rate);
        await foreach (var block in pcm.WithCancellation(cancellationToken))
        {
            var samples = converter.Convert(MemoryMarshal.AsBytes(block.AsSpan()));
            if (samples.Length > 0)
            {
                yield return new AudioChunk(MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
            }
        }

        var last = converter.Flush();
        if (last.Length > 0)
        {
            yield return new AudioChunk(MemoryMarshal.AsBytes(last.AsSpan()).ToArray());
        }
    }

    private async IAsyncEnumerable<AudioChunk> CompressAsync(
        IAsyncEnumerable<short[]> pcm, int sourceRate, SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Unavailable(request.Format) is { } problem)
        {
            throw new SpeechSynthesisUnavailableException(problem);
        }

        var invariant = CultureInfo.InvariantCulture;
        List<string> arguments =
        [
            "-hide_banner", "-nostdin", "-v", "error",
            "-f", "s16le", "-ar", sourceRate.ToString(invariant), "-ac", "1", "-i", "pipe:0",
            "-ar", request.OutputSampleRate.ToString(invariant),
        ];
        arguments.AddRange(request.Format == SynthesisFormat.Mp3
            ? ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]
            : ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-f", "ogg"]);
        arguments.AddRange(["-flush_packets", "1", "pipe:1"]);

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(ffmpeg!, arguments);
        }
        catch (InvalidOperationException e)
        {
            throw new SpeechSynthesisUnavailableException($"{request.Format} output cannot be encoded: {e.Message}", e);
        }

        await using var _ = process;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        var feeding = FeedAsync(process, pcm, stop.Token);
        try
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int read;
                try
                {
                    read = await process.Output.ReadAsync(buffer, stop.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"Encoding {request.Format} took longer than {timeout.TotalSeconds:0} s and was stopped.");
                }

                if (read == 0)
                {
                    break;
                }

                yield return new AudioChunk(buffer.AsSpan(0, read).ToArray());
            }

            // The source's own failure (the engine, the endpoint) is the one to report, not the broken pipe it left.
            await feeding;
            var (exitCode, error) = await process.WaitForExitAsync(stop.Token);
            if (exitCode != 0)
            {
                throw new SpeechSynthesisUnavailableException($"ffmpeg could not encode {request.Format}: {error.Trim()}");
            }
        }
        finally
        {
            // A consumer that stops early, or a failure: stop the source and ffmpeg before the token goes away.
            if (!feeding.IsCompleted)
            {
                await stop.CancelAsync();
                process.Kill();
                await feeding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static async Task FeedAsync(ChildProcess process, IAsyncEnumerable<short[]> pcm, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var block in pcm.WithCancellation(cancellationToken))
            {
                await process.Input.WriteAsync(MemoryMarshal.AsBytes(block.AsSpan()).ToArray(), cancellationToken);
            }
        }
        catch (IOException)
        {
            // ffmpeg exited early; its exit code says why.
        }
        catch
        {
            process.Kill();
            throw;
        }
        finally
        {
            try
            {
                process.Input.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }
}
