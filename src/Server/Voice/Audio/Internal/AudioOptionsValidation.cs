namespace Atom.Server.Voice.Audio.Internal;

/// <summary>The settings under <c>Atom:Voice:Audio</c> that cannot work, each naming its key.</summary>
internal static class AudioOptionsValidation
{
    public static List<string> Validate(AudioOptions options)
    {
        var errors = new List<string>();
        const string Key = AudioOptions.Section + ":";
        if (string.IsNullOrWhiteSpace(options.FfmpegPath))
        {
            errors.Add($"{Key}FfmpegPath must name ffmpeg (a file name on PATH or a full path).");
        }

        if (options.MaxDuration <= TimeSpan.Zero || options.MaxDuration > TimeSpan.FromHours(24))
        {
            errors.Add($"{Key}MaxDuration must be more than 0 and at most 24 hours, not {options.MaxDuration}.");
        }

        if (options.FileTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key}FileTimeout must be more than 0, not {options.FileTimeout}.");
        }

        if (options.FinishTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key}FinishTimeout must be more than 0, not {options.FinishTimeout}.");
        }

        if (options.MaxBufferedBytes < 1024 * 1024)
        {
            errors.Add($"{Key}MaxBufferedBytes must be at least 1 MiB, not {options.MaxBufferedBytes}.");
        }

        if (options.TempDirectory is { } temp && !Directory.Exists(temp))
        {
            errors.Add($"{Key}TempDirectory '{temp}' does not exist.");
        }

        return errors;
    }
}
