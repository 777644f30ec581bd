using System.Globalization;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Voice.Recognition;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// What the voice interop peers (tests/Interop: python3-grpcio, connect-web) are given to say, and how what they print
/// is checked: <c>partial|final INDEX TEXT</c> lines as segments come, then <c>status OK</c>, then the refusal's code.
/// </summary>
internal static class PeerTranscript
{
    private const string Spoken = "search for quarterly sales numbers open the budget room";

    /// <summary>Writes the speech as a 16 kHz mono WAV into <paramref name="directory"/>.</summary>
    /// <returns>Its path.</returns>
    public static async Task<string> WriteSpeechAsync(string directory)
    {
        var path = Path.Combine(directory, "speech.wav");
        await File.WriteAllBytesAsync(path, TestAudio.Wav(TestAudio.Concat(
            TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(1), TestAudio.Speak("open the budget room"), TestAudio.Silence(1))));
        return path;
    }

    /// <summary>Partials came while speaking, finals numbered from 0 heard most words, the call ended OK, and the refusal was <paramref name="refusal"/>.</summary>
    public static void AssertHeard(PeerProcess.Result run, string refusal)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Lines;
        Assert.Contains(lines, l => l.StartsWith("partial ", StringComparison.Ordinal));
        var finals = lines.Where(l => l.StartsWith("final ", StringComparison.Ordinal)).Select(l => l.Split(' ', 3)).ToList();
        Assert.Equal(Enumerable.Range(0, finals.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), finals.Select(f => f[1]));
        var heard = string.Join(' ', finals.Where(f => f.Length == 3).Select(f => f[2]));
        Assert.InRange(TestAudio.WordErrorRate(Spoken, heard), 0, 0.6);
        Assert.Equal("status OK", lines[^2]);
        Assert.Equal("refused " + refusal, lines[^1]);
    }
}
