using Atom.Cli.Voice;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Tests.Voice;

public sealed class VoiceErrorsTests
{
    [Theory]
    [InlineData(StatusCode.ResourceExhausted, ErrorReason.EngineBusy, "try again in a moment")]
    [InlineData(StatusCode.Unavailable, ErrorReason.EngineUnavailable, "speech engine is not running")]
    [InlineData(StatusCode.InvalidArgument, ErrorReason.AudioUnreadable, "convert it to WAV")]
    public void The_engines_reasons_say_what_to_do(StatusCode code, ErrorReason reason, string hint) =>
        Assert.Contains(hint, VoiceErrors.Hint(AtomErrors.Exception(code, reason, "refused")));

    [Fact]
    public void A_server_without_speech_is_said_so_and_other_errors_need_no_hint()
    {
        Assert.Contains("does not offer speech", VoiceErrors.Hint(new RpcException(new Status(StatusCode.Unimplemented, "no such service"))));
        Assert.Null(VoiceErrors.Hint(AtomErrors.InvalidField("text", "must not be empty")));
        Assert.Null(VoiceErrors.Hint(new RpcException(new Status(StatusCode.Unavailable, "connection refused"))));
    }
}
