using Atom.Sdk;
using Google.Protobuf;

namespace Atom.Server.Rpc.Internal.CallHandlers;

internal sealed class UnaryCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    UnaryServerMethod<TService, TRequest, TResponse> invoker) : ServerMethod(method)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override async Task HandleAsync(ServerCallContext context)
    {
        var request = await context.Transport.ReadSingleMessageAsync(method.RequestParser, context.CancellationToken);
        var response = await invoker(Resolve<TService>(context), request, context)
            ?? throw new RpcException(new Status(StatusCode.Internal, "The handler returned no response."));

        // No flush: the response, its headers and the trailers leave together when the call completes.
        await context.Transport.WriteMessageAsync(response, flush: false, context.CancellationToken);
    }
}

internal sealed class ServerStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    ServerStreamingServerMethod<TService, TRequest, TResponse> invoker) : ServerMethod(method)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override async Task HandleAsync(ServerCallContext context)
    {
        var request = await context.Transport.ReadSingleMessageAsync(method.RequestParser, context.CancellationToken);
        await invoker(Resolve<TService>(context), request, new ServerStreamWriter<TResponse>(context), context);
    }
}

internal sealed class ClientStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    ClientStreamingServerMethod<TService, TRequest, TResponse> invoker) : ServerMethod(method)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override async Task HandleAsync(ServerCallContext context)
    {
        var response = await invoker(Resolve<TService>(context), new ServerStreamReader<TRequest>(context, method.RequestParser), context)
            ?? throw new RpcException(new Status(StatusCode.Internal, "The handler returned no response."));
        await context.Transport.WriteMessageAsync(response, flush: false, context.CancellationToken);
    }
}

internal sealed class DuplexStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    DuplexStreamingServerMethod<TService, TRequest, TResponse> invoker) : ServerMethod(method)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override Task HandleAsync(ServerCallContext context) =>
        invoker(Resolve<TService>(context), new ServerStreamReader<TRequest>(context, method.RequestParser), new ServerStreamWriter<TResponse>(context), context);
}

/// <summary>The request stream a handler reads; ends when the caller half-closes.</summary>
internal sealed class ServerStreamReader<T>(ServerCallContext context, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken)
            : null;
        _current = await context.Transport.ReadMessageAsync(parser, linked?.Token ?? context.CancellationToken);
        return _current is not null;
    }
}

/// <summary>The response stream a handler writes; each write is flushed so streams are live, unless the handler says another follows.</summary>
internal sealed class ServerStreamWriter<T>(ServerCallContext context) : IAsyncStreamWriter<T>
    where T : class, IMessage<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        return context.Transport.WriteMessageAsync(message, flush: WriteOptions?.IsBuffered != true, token).AsTask();
    }
}
