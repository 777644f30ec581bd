using System.Diagnostics;

namespace Atom.Cli.Voice;

/// <summary>
/// The machine's microphone, recorded with ALSA's <c>arecord</c> as 16 kHz mono 16-bit PCM (what the recognizer
/// listens at). Where there is none, <see cref="Find"/> says exactly what is missing.
/// </summary>
internal static class Microphone
{
    /// <summary>The rate it records at.</summary>
    public const int SampleRate = 16_000;

    /// <summary>The bytes a second of its audio takes: 16-bit mono.</summary>
    public const int BytesPerSecond = SampleRate * 2;

    /// <summary>The bytes of one live chunk (100 ms).</summary>
    public const int ChunkBytes = BytesPerSecond / 10;

    /// <summary>Finds a way to record.</summary>
    /// <param name="path">The directories to look for <c>arecord</c> in; PATH by default.</param>
    /// <param name="devices">ALSA's list of PCM devices; <c>/proc/asound/pcm</c> by default.</param>
    /// <returns>The path of <c>arecord</c>.</returns>
    /// <exception cref="UsageException">There is no recorder or no capture device.</exception>
    public static string Find(string? path = null, string devices = "/proc/asound/pcm")
    {
        var recorder = (path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "arecord"))
            .FirstOrDefault(File.Exists);
        if (recorder is null)
        {
            throw new UsageException("no microphone to listen to: arecord (ALSA's recorder, Debian package alsa-utils) is not on PATH. Pass --wav FILE to stream a recording instead.");
        }

        if (!File.Exists(devices))
        {
            throw new UsageException($"no microphone to listen to: {devices} does not exist, so this system has no ALSA sound card. Pass --wav FILE to stream a recording instead.");
        }

        if (!File.ReadLines(devices).Any(line => line.Contains("capture", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UsageException($"no microphone to listen to: {devices} lists no capture device. Pass --wav FILE to stream a recording instead.");
        }

        return recorder;
    }

    /// <summary>Starts recording from the default capture device, raw PCM on the process's standard output.</summary>
    /// <param name="recorder">The path of <c>arecord</c>, from <see cref="Find"/>.</param>
    /// <returns>The recording process, to kill when done.</returns>
    public static Process Start(string recorder)
    {
        var info = new ProcessStartInfo(recorder)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-" })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{recorder} did not start.");
    }
}
