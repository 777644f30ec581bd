using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Infrastructure;

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
        var wav = await PeerTranscript.WriteSpeechAsync(directory.Path);

        var run = await PeerProcess.RunAsync("node",
        [
            Path.Combine(root, "tests/Interop/node/atom_transcribe_web.mjs"), "--base-url", fixture.Server.Test.HttpAddress.ToString().TrimEnd('/'),
            "--token", team["ann"].Token, "--wav", wav, "--protos", Path.Combine(root, "protos"),
        ], TimeSpan.FromMinutes(3));

        PeerTranscript.AssertHeard(run, "NOT_FOUND");
    }
}
