using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Infrastructure;

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
        var wav = await PeerTranscript.WriteSpeechAsync(directory.Path);
        var root = TestScripts.RepositoryRoot();
        var address = fixture.Server.Test.GrpcAddress;

        var run = await PeerProcess.RunAsync("/usr/bin/python3",
            [Path.Combine(root, "tests/Interop/python/atom_transcribe.py"), Path.Combine(root, "protos"), $"{address.Host}:{address.Port}", team["ann"].Token, wav],
            TimeSpan.FromMinutes(2));

        Assert.False(run.Stderr.Contains("No module named", StringComparison.Ordinal), "python3-grpcio and python3-grpc-tools are needed: " + run.Stderr);
        PeerTranscript.AssertHeard(run, "INVALID_ARGUMENT");
    }
}
