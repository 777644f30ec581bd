using Atom.Server.Tests.Files.Processing.Fixtures;
using System.Diagnostics;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Voice.Recognition;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// Live Transcribe through Debian's python3-grpcio, a gRPC implementation nobody here wrote, with stubs generated from
/// the contract: a bidirectional stream fed while it answers, partials then numbered finals, and a refusal.
/// </summary>
public sealed class VoicePythonInteropTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    [Fact]
    public async Task Python_grpcio_streams_a_recording_and_reads_partials_and_finals_as_they_come()
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 with python3-grpcio and python3-grpc-tools is needed: run ./build.sh test.");
        var team = await Team.CreateAsync(fixture.Server, "pyvoice", "ann");
        using var directory = new TempDirectory();
        var wav = Path.Combine(directory.Path, "speech.wav");
        await File.WriteAllBytesAsync(wav, TestAudio.Wav(TestAudio.Concat(
            TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(1), TestAudio.Speak("open the budget room"), TestAudio.Silence(1))));
        var root = TestScripts.RepositoryRoot();
        var address = fixture.Server.Test.GrpcAddress;

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(root, "tests/Interop/python/atom_transcribe.py"), Path.Combine(root, "protos"), $"{address.Host}:{address.Port}", team["ann"].Token, wav })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var error = await stderr;
        Assert.False(error.Contains("No module named", StringComparison.Ordinal), "python3-grpcio and python3-grpc-tools are needed: " + error);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0, string.Join('\n', lines) + error);

        Assert.Contains(lines, l => l.StartsWith("partial ", StringComparison.Ordinal));
        var finals = lines.Where(l => l.StartsWith("final ", StringComparison.Ordinal)).Select(l => l.Split(' ', 4)).ToList();
        Assert.Equal(Enumerable.Range(0, finals.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), finals.Select(f => f[1]));
        var heard = string.Join(' ', finals.Where(f => f.Length == 4).Select(f => f[3]));
        Assert.InRange(TestAudio.WordErrorRate("search for quarterly sales numbers open the budget room", heard), 0, 0.6);
        Assert.Equal("status OK", lines[^2]);
        Assert.Equal("refused INVALID_ARGUMENT", lines[^1]);
    }
}
