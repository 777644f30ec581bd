using Atom.Sdk;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Rpc.Internal.Transcoding;

internal sealed partial class RestFace
{
    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "{Method} has an HTTP rule but is {Type}: REST has no client streams, so it is not mapped")]
        public static partial void StreamingMethodNotMapped(ILogger logger, string method, MethodType type);

        [LoggerMessage(41, LogLevel.Debug, "REST face ready with {Count} route(s)")]
        public static partial void RoutesBuilt(ILogger logger, int count);
    }
}
