using System.Diagnostics;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Voice.Recognition;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// The browser path of live transcription through connect-web's gRPC-Web transport, a client nobody here wrote, over
/// the server's HTTP/1.1 port: StartTranscription, AppendAudio at byte offsets while WatchTranscript streams partials
/// then numbered finals, and a refusal for a transcription that does not exist.
/// </summary>
public sealed class VoiceConnectWebInteropTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    [Fact]
    public async Task Connect_web_appends_a_recording_in_pieces_and_watches_partials_and_finals_as_they_come()
    {
        var root = TestScripts.RepositoryRoot();
        var modules = Path.Combine(root, "tests/Interop/node/node_modules");
        Assert.True(File.Exists(Path.Combine(modules, "@connectrpc/connect-web/package.json")) && File.Exists(Path.Combine(modules, ".bin/buf")),
            $"connect-web and buf are needed in {modules}: run ./build.sh test, or npm install in tests/Interop/node.");
        var team = await Team.CreateAsync(fixture.Server, "webvoice", "ann");
        using var directory = new TempDirectory();
        var wav = Path.Combine(directory.Path, "speech.wav");
        await File.WriteAllBytesAsync(wav, TestAudio.Wav(TestAudio.Concat(
            TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(1), TestAudio.Speak("open the budget room"), TestAudio.Silence(1))));

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(root, "tests/Interop/node/atom_transcribe_web.mjs"), "--base-url", fixture.Server.Test.HttpAddress.ToString().TrimEnd('/'),
            "--token", team["ann"].Token, "--wav", wav, "--protos", Path.Combine(root, "protos"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var error = await stderr;
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0, string.Join('\n', lines) + error);

        Assert.Contains(lines, l => l.StartsWith("partial ", StringComparison.Ordinal));
        var finals = lines.Where(l => l.StartsWith("final ", StringComparison.Ordinal)).Select(l => l.Split(' ', 3)).ToList();
        Assert.Equal(Enumerable.Range(0, finals.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), finals.Select(f => f[1]));
        var heard = string.Join(' ', finals.Where(f => f.Length == 3).Select(f => f[2]));
        Assert.InRange(TestAudio.WordErrorRate("search for quarterly sales numbers open the budget room", heard), 0, 0.6);
        Assert.Equal("status OK", lines[^2]);
        Assert.Equal("refused NOT_FOUND", lines[^1]);
    }
}
