using Google.Protobuf;

namespace Atom.Sdk.Internal.Client;

/// <summary>
/// A unary call retried under the channel's <see cref="RetryPolicy"/>: runs one attempt after another and reports the
/// headers, status and trailers of the final one. Disposing it cancels the running attempt and starts no other.
/// </summary>
internal sealed class RetryingUnaryCall<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly AtomChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly DateTime? _deadline;
    private readonly RetryPolicy _policy;
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Cut short the wait between attempts, on the caller's cancellation or on Dispose.
    private readonly CancellationTokenSource _backoff;
    private GrpcCall<TRequest, TResponse>? _attempt;
    private Outcome? _outcome;
    private int _disposed;

    private RetryingUnaryCall(AtomChannel channel, Method<TRequest, TResponse> method, CallOptions options, DateTime? deadline, RetryPolicy policy)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = deadline;
        _policy = policy;
        _backoff = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : new CancellationTokenSource();
    }

    public static AsyncUnaryCall<TResponse> Start(
        AtomChannel channel, Method<TRequest, TResponse> method, CallOptions options, DateTime? deadline, ReadOnlyMemory<byte> frame, RetryPolicy policy)
    {
        var call = new RetryingUnaryCall<TRequest, TResponse>(channel, method, options, deadline, policy);
        return new AsyncUnaryCall<TResponse>(call.RunAsync(frame), new CallState(call._headers.Task, call.GetStatus, call.GetTrailers, call.Dispose));
    }

    private Status GetStatus() => Volatile.Read(ref _outcome)?.Status ?? throw new InvalidOperationException("The call has not finished: its status is not known yet.");

    private Metadata GetTrailers() => Volatile.Read(ref _outcome)?.Trailers ?? throw new InvalidOperationException("The call has not finished: its trailers are not known yet.");

    private void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _backoff.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call has finished.
        }

        Volatile.Read(ref _attempt)?.Dispose();
    }

    private async Task<TResponse> RunAsync(ReadOnlyMemory<byte> frame)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var call = new GrpcCall<TRequest, TResponse>(_channel, _method, _options, _deadline);

                // Both exchanges are full fences: either Dispose sees this attempt, or this sees the disposal.
                Interlocked.Exchange(ref _attempt, call);
                if (Volatile.Read(ref _disposed) != 0)
                {
                    call.Dispose();
                }

                var response = await call.RunUnaryAsync(frame).ConfigureAwait(false);
                var status = call.FinalStatus!.Value;
                if (status.StatusCode == StatusCode.OK
                    || attempt >= _policy.MaxAttempts
                    || call.Committed
                    || !_policy.RetryableStatusCodes.Contains(status.StatusCode)
                    || _backoff.IsCancellationRequested
                    || !TryGetRetryDelay(call.Trailers, _policy, attempt - 1, out var delay)
                    || (_deadline is { } d && DateTime.UtcNow + delay >= d))
                {
                    Settle(status, call.Trailers, call.ResponseHeadersAsync);
                    return call.ResultOrThrow(response);
                }

                try
                {
                    await Task.Delay(delay, _backoff.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    var cancelled = _options.CancellationToken.IsCancellationRequested ? Status.DefaultCancelled : Status.Disposed;
                    var trailers = new Metadata();
                    Settle(cancelled, trailers, headers: null);
                    throw new RpcException(cancelled, trailers);
                }
            }
        }
        finally
        {
            _backoff.Dispose();
        }
    }

    /// <summary>Makes the final attempt's outcome the call's; its headers too, which every settled attempt has (or has failed).</summary>
    private void Settle(Status status, Metadata trailers, Task<Metadata>? headers)
    {
        Volatile.Write(ref _outcome, new Outcome(status, trailers));
        if (headers is { IsCompletedSuccessfully: true })
        {
            _headers.TrySetResult(headers.Result);
        }
        else if (_headers.TrySetException(new RpcException(status, trailers)))
        {
            _ = _headers.Task.Exception; // observed: nobody has to ask for the headers
        }
    }

    /// <summary>The wait before a retry: the server's grpc-retry-pushback-ms when it sent one (negative: do not retry), else jittered backoff.</summary>
    private static bool TryGetRetryDelay(Metadata trailers, RetryPolicy policy, int retries, out TimeSpan delay)
    {
        delay = default;
        if (trailers.Count > 0 && trailers.GetValue("grpc-retry-pushback-ms") is { } pushback)
        {
            if (!int.TryParse(pushback, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                return false;
            }

            delay = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        delay = TimeSpan.FromTicks((long)(policy.Backoff(retries).Ticks * Random.Shared.NextDouble()));
        return true;
    }

    private sealed record Outcome(Status Status, Metadata Trailers);
}
