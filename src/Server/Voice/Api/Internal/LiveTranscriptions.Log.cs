using Microsoft.Extensions.Logging;

namespace Atom.Server.Voice.Api.Internal;

internal sealed partial class LiveTranscriptions
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Live transcription {TranscriptionId} failed")]
        public static partial void Failed(ILogger logger, string transcriptionId, Exception exception);
    }
}
