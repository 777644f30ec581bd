using System.Diagnostics;
using Atom.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "{Method} over {Face}: {StatusCode} in {ElapsedMs:0.###} ms")]
        public static partial void CallFinished(ILogger logger, string method, RpcFace face, StatusCode statusCode, double elapsedMs);

        [LoggerMessage(21, LogLevel.Debug, "{Method} over {Face}: {StatusCode} '{Detail}' in {ElapsedMs:0.###} ms")]
        public static partial void CallFailed(ILogger logger, string method, RpcFace face, StatusCode statusCode, string detail, double elapsedMs);
    }
}

/// <summary>
/// Turns anything a handler throws into an <see cref="RpcException"/> with the right status, so the
/// interceptors outside it (logging, metrics) see the status the caller will get.
/// </summary>
internal sealed class ExceptionMappingInterceptor(IOptions<AtomRpcOptions> options, ILogger<ExceptionMappingInterceptor> logger) : ServerInterceptor
{
    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        Task call;
        try
        {
            call = next(context);
        }
        catch (Exception ex) when (ex is not RpcException || context.DeadlineExceeded)
        {
            return Task.FromException(ExceptionMapping.ToRpcException(ex, context, options.Value, logger));
        }

        // Most calls complete without failing: no async machinery for them.
        return call.IsCompletedSuccessfully ? Task.CompletedTask : MapAsync(call, context);
    }

    private async Task MapAsync(Task call, ServerCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (ex is not RpcException || context.DeadlineExceeded)
        {
            throw ExceptionMapping.ToRpcException(ex, context, options.Value, logger);
        }
    }
}
