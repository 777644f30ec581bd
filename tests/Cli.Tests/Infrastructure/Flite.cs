using System.Diagnostics;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// Speech for the recognizer's tests, spoken by flite (a Debian package ./build.sh test installs): pocketsphinx hears its
/// voices far more reliably than espeak's.
/// </summary>
public static class Flite
{
    /// <summary>Speaks a text into a WAV file.</summary>
    /// <param name="text">What to say.</param>
    /// <param name="path">The WAV file to write.</param>
    /// <param name="voice">A flite voice (slt is 16 kHz, as the recognizer hears); null for flite's default.</param>
    public static void Speak(string text, string path, string? voice = null)
    {
        var start = new ProcessStartInfo("flite") { RedirectStandardError = true };
        if (voice is not null)
        {
            start.ArgumentList.Add("-voice");
            start.ArgumentList.Add(voice);
        }

        foreach (var argument in new[] { "-t", text, "-o", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var flite = Process.Start(start)!;
        var error = flite.StandardError.ReadToEnd();
        flite.WaitForExit();
        Assert.True(flite.ExitCode == 0, $"flite failed: {error} (install flite; ./build.sh test does)");
    }
}
