using System.Diagnostics;
using Atom.Sdk;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Rpc.Internal;

/// <summary>Logs every call with its face, status and duration. The outermost interceptor.</summary>
internal sealed partial class LoggingInterceptor(ILogger<LoggingInterceptor> logger) : ServerInterceptor
{
    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next) =>
        logger.IsEnabled(LogLevel.Debug) ? LogAsync(context, next) : next(context);

    private async Task LogAsync(ServerCallContext context, RpcCallHandler next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
            Log.CallFinished(logger, context.Method.FullName, context.Face, context.Status.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (RpcException ex)
        {
            Log.CallFailed(logger, context.Method.FullName, context.Face, ex.StatusCode, ex.Status.Detail, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception ex)
        {
            // Mapped to a status (and logged in full) at the pipeline's edge; here only the timing.
            Log.CallThrew(logger, context.Method.FullName, context.Face, ex.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "{Method} over {Face}: {StatusCode} in {ElapsedMs:0.###} ms")]
        public static partial void CallFinished(ILogger logger, string method, RpcFace face, StatusCode statusCode, double elapsedMs);

        [LoggerMessage(21, LogLevel.Debug, "{Method} over {Face}: {StatusCode} '{Detail}' in {ElapsedMs:0.###} ms")]
        public static partial void CallFailed(ILogger logger, string method, RpcFace face, StatusCode statusCode, string detail, double elapsedMs);

        [LoggerMessage(22, LogLevel.Debug, "{Method} over {Face}: threw {ExceptionType} after {ElapsedMs:0.###} ms")]
        public static partial void CallThrew(ILogger logger, string method, RpcFace face, string exceptionType, double elapsedMs);
    }
}
