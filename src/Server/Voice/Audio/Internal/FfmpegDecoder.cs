using System.Globalization;
using System.Runtime.InteropServices;
using Atom.Server.Processes;

namespace Atom.Server.Voice.Audio.Internal;

/// <summary>
/// Compressed audio through <c>ffmpeg -f s16le -ac 1 -ar 16000</c>, read from its standard output as it decodes. Input comes
/// from one of three places: a pipe the writes feed (Ogg, WebM, MP3, FLAC stream fine), a file already on disk, or a
/// temporary file the writes fill first (M4A: its index may sit at the end, and ffmpeg cannot seek in a pipe).
/// </summary>
internal sealed class FfmpegDecoder : AudioDecoderBase
{
    private readonly string ffmpeg;
    private readonly AudioOptions options;
    private readonly string? inputPath;
    private readonly bool buffered;
    private ChildProcess? process;
    private Task? pump;
    private FileStream? buffer;
    private string? bufferPath;
    private byte[]? head = [];
    private long written;

    private FfmpegDecoder(AudioSourceFormat format, AudioOptions options, string ffmpeg, string? inputPath, bool buffered)
        : base(format, options.MaxDuration)
    {
        this.ffmpeg = ffmpeg;
        this.options = options;
        this.inputPath = inputPath;
        this.buffered = buffered;
    }

    /// <summary>A decoder fed by writes.</summary>
    public static FfmpegDecoder ForStream(AudioSourceFormat format, AudioOptions options, string ffmpeg) =>
        new(format, options, ffmpeg, null, format.Container == AudioContainer.M4a);

    /// <summary>A decoder of a file on disk; <see cref="CompleteAsync"/> runs it.</summary>
    public static FfmpegDecoder ForFile(AudioContainer container, string path, AudioOptions options, string ffmpeg) =>
        new(new AudioSourceFormat(container), options, ffmpeg, path, false);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (inputPath is not null)
        {
            throw new InvalidOperationException("A file decoder takes no writes.");
        }

        if (Finished || data.IsEmpty)
        {
            return;
        }

        written += data.Length;
        if (head is not null)
        {
            head = [.. head, .. data.Span];
            if (head.Length < AudioSniffer.SignatureBytes)
            {
                return;
            }

            data = ReleaseHead();
        }

        if (buffered)
        {
            await BufferAsync(data, cancellationToken);
            return;
        }

        process ??= Start("pipe:0");
        try
        {
            await process.Input.WriteAsync(data, cancellationToken);
        }
        catch (IOException)
        {
            // ffmpeg stopped reading: it refused the input (its message says why) or the limit stopped it.
            if (!Finished)
            {
                await FinishAsync(options.FinishTimeout, cancellationToken);
            }
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (Finished)
        {
            if (LimitReached && process is not null)
            {
                // Killed at the limit: reap it now rather than at dispose.
                await FinishAsync(options.FinishTimeout, cancellationToken);
            }

            return;
        }

        if (inputPath is not null)
        {
            process = Start(FileArgument(inputPath));
            await FinishAsync(options.FileTimeout, cancellationToken);
            return;
        }

        if (written == 0)
        {
            throw Fail(new AudioFormatException($"The {AudioSniffer.Name(Format.Container)} audio is empty: no bytes arrived."));
        }

        if (head is not null)
        {
            var rest = ReleaseHead();
            if (!buffered)
            {
                process = Start("pipe:0");
                await WriteOrIgnoreAsync(rest, cancellationToken);
            }
            else
            {
                await BufferAsync(rest, cancellationToken);
            }
        }

        if (buffered)
        {
            await buffer!.DisposeAsync();
            process = Start(FileArgument(bufferPath!));
            await FinishAsync(options.FileTimeout, cancellationToken);
            return;
        }

        try
        {
            process!.Input.Close();
        }
        catch (IOException)
        {
            // It has already exited; its exit code says how.
        }

        await FinishAsync(options.FinishTimeout, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        if (pump is not null)
        {
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (buffer is not null)
        {
            await buffer.DisposeAsync();
            File.Delete(bufferPath!);
        }
    }

    /// <summary>Turns ffmpeg's standard error into a message for the client: its last lines, without addresses or pipe names.</summary>
    internal static string Trim(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @" @ 0x[0-9a-f]+\]", "]"))
            .Select(line => line.Replace("pipe:0", "input", StringComparison.Ordinal))
            .Distinct()
            .TakeLast(3);
        var text = string.Join("; ", lines);
        return text.Length == 0 ? "no message" : text.Length > 400 ? string.Concat(text.AsSpan(0, 400), "…") : text;
    }

    private ReadOnlyMemory<byte> ReleaseHead()
    {
        var bytes = head!;
        head = null;
        var detected = AudioSniffer.Detect(bytes);
        // Ogg and WebM may carry FLAC, MP3 may carry no tag: refuse only a signature that names another container.
        if (detected is { } container && container != Format.Container)
        {
            throw Fail(new AudioFormatException(
                $"The audio was declared {AudioSniffer.Name(Format.Container)} but starts like a {AudioSniffer.Name(container)} file; declare it as {AudioSniffer.Name(container)}."));
        }

        return bytes;
    }

    private async Task BufferAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (written > options.MaxBufferedBytes)
        {
            throw Fail(new AudioFormatException(
                $"{AudioSniffer.Name(Format.Container)} audio is buffered to a file before it is decoded, and may be at most {options.MaxBufferedBytes / (1024 * 1024)} MB ({AudioOptions.Section}:MaxBufferedBytes)."));
        }

        if (buffer is null)
        {
            bufferPath = Path.Combine(options.TempDirectory ?? Path.GetTempPath(), $"atom-audio-{Guid.NewGuid():N}.m4a");
            buffer = new FileStream(bufferPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        }

        await buffer.WriteAsync(data, cancellationToken);
    }

    private async Task WriteOrIgnoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await process!.Input.WriteAsync(data, cancellationToken);
        }
        catch (IOException)
        {
            // ffmpeg has exited; FinishAsync reports why.
        }
    }

    private ChildProcess Start(string input)
    {
        List<string> arguments = ["-hide_banner", "-nostdin", "-v", "error"];
        if (input == "pipe:0" && Demuxer(Format.Container) is { } demuxer)
        {
            // Naming the demuxer spares probing, which on a pipe would wait for more bytes than a live stream has yet.
            arguments.AddRange(["-f", demuxer]);
        }

        arguments.AddRange(["-i", input, "-vn", "-f", "s16le", "-ac", "1", "-ar", AudioSourceFormat.TargetSampleRate.ToString(CultureInfo.InvariantCulture)]);
        if (input == "pipe:0")
        {
            arguments.AddRange(["-flush_packets", "1"]);
        }

        arguments.Add("pipe:1");
        ChildProcess started;
        try
        {
            started = ChildProcess.Start(ffmpeg, arguments);
        }
        catch (InvalidOperationException e)
        {
            throw Fail(new AudioDecoderUnavailableException($"{AudioSniffer.Name(Format.Container)} audio cannot be decoded: {e.Message}", e));
        }

        pump = PumpAsync(started);
        return started;
    }

    private async Task PumpAsync(ChildProcess child)
    {
        var bytes = new byte[32 * 1024];
        var filled = 0;
        try
        {
            int read;
            while ((read = await child.Output.ReadAsync(bytes.AsMemory(filled))) > 0)
            {
                filled += read;
                var whole = filled & ~1;
                if (!Emit(MemoryMarshal.Cast<byte, short>(bytes.AsSpan(0, whole)).ToArray()))
                {
                    child.Kill();
                    return;
                }

                if (filled > whole)
                {
                    bytes[0] = bytes[whole];
                }

                filled -= whole;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The process was killed: the exit code or the limit says why.
        }
    }

    private async Task FinishAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        int exitCode;
        string error;
        try
        {
            await pump!.WaitAsync(timer.Token);
            (exitCode, error) = await process!.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process!.Kill();
            cancellationToken.ThrowIfCancellationRequested();
            throw Fail(new TimeoutException(
                $"ffmpeg took longer than {timeout.TotalSeconds:0.#} s to decode the {AudioSniffer.Name(Format.Container)} audio and was stopped."));
        }

        if (LimitReached)
        {
            return;
        }

        if (exitCode != 0)
        {
            throw Fail(new AudioFormatException(
                $"The {AudioSniffer.Name(Format.Container)} audio cannot be decoded (ffmpeg: {Trim(error)})."));
        }

        Finish();
    }

    private static string? Demuxer(AudioContainer container) => container switch
    {
        AudioContainer.Mp3 => "mp3",
        AudioContainer.Ogg => "ogg",
        AudioContainer.WebM => "matroska",
        AudioContainer.Flac => "flac",
        AudioContainer.Wav => "wav",
        _ => null,
    };

    // "file:" keeps a name with a colon or a leading dash from being read as a protocol or an option.
    private static string FileArgument(string path) => "file:" + Path.GetFullPath(path);
}
