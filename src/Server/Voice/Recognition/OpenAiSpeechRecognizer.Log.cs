using Microsoft.Extensions.Logging;

namespace Atom.Server.Voice.Recognition;

public sealed partial class OpenAiSpeechRecognizer
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The transcription endpoint {BaseUrl} (model {Model}) is unavailable")]
        public static partial void Unavailable(ILogger logger, string baseUrl, string model, Exception exception);
    }
}
