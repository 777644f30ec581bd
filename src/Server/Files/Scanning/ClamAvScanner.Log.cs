using Microsoft.Extensions.Logging;

namespace Atom.Server.Files.Scanning;

public sealed partial class ClamAvScanner
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "clamd at {Address} is unavailable")]
        public static partial void Unavailable(ILogger logger, string address, Exception exception);

        // A daemon that answers but gives no verdict is misconfigured or broken: worth an operator's look, unlike an outage.
        [LoggerMessage(2, LogLevel.Warning, "clamd at {Address} gave no verdict: {Reply}")]
        public static partial void NoVerdict(ILogger logger, string address, string? reply);
    }
}
