using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Vectors.Internal;

internal sealed partial class VectorStoreMaintenance
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Vector store maintenance failed; it is tried again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
