using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Recognition;
using Atom.V1;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>How the speech engines' failures reach callers: which status, which reason, and what may help.</summary>
internal static class VoiceErrors
{
    // A stream ends within seconds of its speaker stopping: soon worth trying again.
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Starts something on an engine, turning "no capacity" and "not here" into their statuses.</summary>
    public static async Task<T> MapAsync<T>(Func<Task<T>> start)
    {
        try
        {
            return await start();
        }
        catch (RecognizerBusyException e)
        {
            throw new RpcException(StatusCode.ResourceExhausted, e.Message,
                AtomErrors.Info(ErrorReason.EngineBusy, ("max_streams", e.MaxStreams?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)),
                new RetryInfo { RetryDelay = global::Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(BusyRetryDelay) });
        }
        catch (RecognitionUnavailableException e)
        {
            throw Unavailable(e.Message);
        }
    }

    public static RpcException Unavailable(string message) =>
        new(StatusCode.Unavailable, message, AtomErrors.Info(ErrorReason.EngineUnavailable));

    public static RpcException Audio(AudioFormatException e) =>
        new(StatusCode.InvalidArgument, "audio: " + e.Message,
            AtomErrors.Info(e.IsMismatch ? ErrorReason.AudioFormatMismatch : ErrorReason.AudioUnreadable, ("detail", e.Message)),
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "audio", Description = e.Message } } });

    public static RpcException TooLong(TimeSpan limit) =>
        new(StatusCode.InvalidArgument, $"audio: longer than the limit of {limit.TotalSeconds:0} s; what came before the limit was transcribed.",
            AtomErrors.Info(ErrorReason.AudioTooLong, ("limit_seconds", limit.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture))));
}
