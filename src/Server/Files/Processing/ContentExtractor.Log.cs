using Microsoft.Extensions.Logging;

namespace Atom.Server.Files.Processing;

public sealed partial class ContentExtractor
{
    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Warning, "OCR of {Path} failed with exit code {ExitCode}: {Error}; the image is kept without text")]
        public static partial void OcrFailed(ILogger logger, string path, int exitCode, string error);

        [LoggerMessage(501, LogLevel.Warning, "OCR of {Path} ran longer than {Timeout} and was stopped; the image is kept without text")]
        public static partial void OcrTimedOut(ILogger logger, string path, TimeSpan timeout);
    }
}
