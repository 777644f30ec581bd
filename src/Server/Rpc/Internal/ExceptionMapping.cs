using Atom.Sdk;
using Atom.Server.Storage;
using Atom.Server.Storage.Internal;
using Atom.V1;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Rpc.Internal;

/// <summary>Turns whatever a handler threw into the status the caller gets. The one place this mapping lives.</summary>
internal static partial class ExceptionMapping
{
    // Long enough for the lock holder (a commit with an fsync on a loaded disk) to be done.
    private static readonly TimeSpan StoreBusyRetryDelay = TimeSpan.FromMilliseconds(500);

    public static RpcException ToRpcException(Exception exception, ServerCallContext context, AtomRpcOptions options, ILogger logger)
    {
        if (context.DeadlineExceeded && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline exceeded."));
        }

        switch (exception)
        {
            case RpcException rpc:
                return rpc;
            case RequestMessageException badMessage:
                return badMessage.Error;
            case OperationCanceledException when context.HttpContext.RequestAborted.IsCancellationRequested:
                return new RpcException(Status.DefaultCancelled);
            case IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException when context.HttpContext.RequestAborted.IsCancellationRequested:
                return new RpcException(Status.DefaultCancelled);

            // Stores raise these on uniqueness and paging; every handler would otherwise catch and map them alike.
            case AlreadyExistsException taken:
                return new RpcException(StatusCode.AlreadyExists, taken.Message,
                    AtomErrors.Info(ErrorReason.AlreadyExists, ("resource_type", taken.Resource), ("field", taken.Field)),
                    new Atom.Google.Rpc.ResourceInfo { ResourceType = taken.Resource, ResourceName = taken.Value, Description = $"{taken.Field} is taken" });
            case InvalidPageTokenException badToken:
                return AtomErrors.InvalidField("page_token", badToken.Problem);
            case PreconditionFailedException refused:
                return AtomErrors.Exception(StatusCode.FailedPrecondition, ErrorReason.FailedPrecondition, refused.Message);
            case System.Data.Common.DbException busy when StoreConventions.IsTransient(busy):
                Log.StoreBusy(logger, context.Method.FullName, busy.Message);
                return new RpcException(StatusCode.Unavailable, "The store is busy; nothing was changed. Try again.",
                    AtomErrors.Info(ErrorReason.StoreBusy), new Atom.Google.Rpc.RetryInfo { RetryDelay = global::Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(StoreBusyRetryDelay) });
        }

        Log.UnhandledException(logger, context.Method.FullName, exception);
        var detail = options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.";
        return AtomErrors.Exception(StatusCode.Unknown, ErrorReason.Internal, detail);
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Error, "Error in the handler of {Method}")]
        public static partial void UnhandledException(ILogger logger, string method, Exception exception);

        [LoggerMessage(11, LogLevel.Warning, "The store was busy for {Method}: {Reason}")]
        public static partial void StoreBusy(ILogger logger, string method, string reason);
    }
}
