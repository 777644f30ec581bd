using System.Reflection;
using Atom.Cli.Descriptors;
using Atom.Sdk;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Atom.Cli.Calls;

/// <summary>
/// Calls any method the descriptors know, with JSON in and JSON out: a <see cref="Method{TRequest, TResponse}"/>
/// is built at run time from the descriptor's generated message types, so no per-service code exists.
/// </summary>
/// <param name="context">Settings, output and cancellation.</param>
/// <param name="invoker">The channel.</param>
internal sealed class DynamicCall(CliContext context, CallInvoker invoker)
{
    private static readonly MethodInfo RunTyped = typeof(DynamicCall).GetMethod(nameof(RunAsync), BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("RunAsync<TRequest, TResponse> is missing.");

    /// <summary>Makes the call and prints the responses as they arrive.</summary>
    /// <param name="method">The method.</param>
    /// <param name="source">The request JSON.</param>
    /// <returns>A task that completes when the call has ended; failures throw <see cref="RpcException"/> or <see cref="UsageException"/>.</returns>
    public Task RunAsync(MethodDescriptor method, RequestSource source)
    {
        var requestType = method.InputType.ClrType ?? throw new UsageException($"{method.InputType.FullName} has no generated type in the SDK.");
        var responseType = method.OutputType.ClrType ?? throw new UsageException($"{method.OutputType.FullName} has no generated type in the SDK.");
        return (Task)RunTyped.MakeGenericMethod(requestType, responseType).Invoke(this, [method, source])!;
    }

    private async Task RunAsync<TRequest, TResponse>(MethodDescriptor descriptor, RequestSource source)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var kind = DescriptorCatalog.KindOf(descriptor);
        var idempotency = descriptor.GetOptions()?.IdempotencyLevel;
        var method = new Method<TRequest, TResponse>(
            descriptor.Service.FullName,
            descriptor.Name,
            kind,
            new MessageParser<TRequest>(() => new TRequest()),
            new MessageParser<TResponse>(() => new TResponse()),
            isIdempotent: idempotency is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent,
            descriptor: () => descriptor);

        var token = context.CancellationToken;
        var options = context.Settings.CallOptions(token);
        switch (kind)
        {
            case MethodType.Unary:
            {
                var request = Parse<TRequest>(await source.ReadAllAsync(token).ConfigureAwait(false), source, line: null);
                using var call = invoker.Unary(method, request, options);
                var response = await call.ConfigureAwait(false);
                await WriteAsync(context.Json(response)).ConfigureAwait(false);
                break;
            }

            case MethodType.ServerStreaming:
            {
                var request = Parse<TRequest>(await source.ReadAllAsync(token).ConfigureAwait(false), source, line: null);
                using var call = invoker.ServerStreaming(method, request, options);
                await PrintStreamAsync(call.ResponseStream, token).ConfigureAwait(false);
                break;
            }

            case MethodType.ClientStreaming:
            {
                using var call = invoker.ClientStreaming(method, options);
                await SendAllAsync(call.RequestStream, source, call.ResponseAsync, token).ConfigureAwait(false);
                var response = await call.ResponseAsync.ConfigureAwait(false);
                await WriteAsync(context.Json(response)).ConfigureAwait(false);
                break;
            }

            case MethodType.DuplexStreaming:
            {
                using var call = invoker.DuplexStreaming(method, options);
                var printing = PrintStreamAsync(call.ResponseStream, token);
                await SendAllAsync(call.RequestStream, source, printing, token).ConfigureAwait(false);
                await printing.ConfigureAwait(false);
                break;
            }
        }
    }

    private async Task SendAllAsync<TRequest>(IClientStreamWriter<TRequest> requests, RequestSource source, Task outcome, CancellationToken token)
        where TRequest : class, IMessage<TRequest>, new()
    {
        try
        {
            await foreach (var (line, text) in source.ReadLinesAsync(token).ConfigureAwait(false))
            {
                await requests.WriteAsync(Parse<TRequest>(text, source, line), token).ConfigureAwait(false);
            }

            await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not UsageException && !token.IsCancellationRequested)
        {
            // A write fails when the server has already ended the call: its status says why, so report that.
            await outcome.ConfigureAwait(false);
            throw;
        }
    }

    private async Task PrintStreamAsync<TResponse>(IAsyncStreamReader<TResponse> responses, CancellationToken token)
        where TResponse : IMessage
    {
        // NDJSON: one message per line, flushed as it arrives.
        while (await responses.MoveNext(token).ConfigureAwait(false))
        {
            await WriteAsync(context.Json(responses.Current, oneLine: true)).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(string text)
    {
        await context.Out.WriteLineAsync(text).ConfigureAwait(false);
        await context.Out.FlushAsync().ConfigureAwait(false);
    }

    private T Parse<T>(string json, RequestSource source, int? line)
        where T : IMessage, new()
    {
        var where = line is null ? source.Name : $"{source.Name} line {line}";
        try
        {
            return context.Catalog.JsonParser.Parse<T>(json);
        }
        catch (InvalidJsonException e)
        {
            throw new UsageException($"invalid JSON in {where}: {e.Message}");
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UsageException($"invalid {new T().Descriptor.FullName} in {where}: {e.Message}");
        }
    }
}
