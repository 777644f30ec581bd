namespace Atom.Sdk;

/// <summary>What a started call can report about itself once it has finished.</summary>
/// <param name="ResponseHeadersAsync">Completes with the response headers.</param>
/// <param name="GetStatus">The final status; throws until the call has finished.</param>
/// <param name="GetTrailers">The trailers; throws until the call has finished.</param>
/// <param name="Dispose">Releases the call, cancelling it when still running.</param>
public sealed record CallState(Task<Metadata> ResponseHeadersAsync, Func<Status> GetStatus, Func<Metadata> GetTrailers, Action Dispose);

/// <summary>
/// A unary call: await it (or <see cref="ResponseAsync"/>) for the response; once it has finished, its headers, status and
/// trailers are there too.
/// </summary>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="responseAsync">Completes with the response.</param>
/// <param name="state">The call's headers, status and trailers.</param>
public sealed class AsyncUnaryCall<TResponse>(Task<TResponse> responseAsync, CallState state) : IDisposable
{
    /// <summary>Gets a task that completes with the response; a failed call throws <see cref="RpcException"/>.</summary>
    public Task<TResponse> ResponseAsync { get; } = responseAsync;

    /// <summary>Gets a task that completes with the response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => state.ResponseHeadersAsync;

    /// <summary>Gets the final status, once the call has finished.</summary>
    /// <returns>The status.</returns>
    public Status GetStatus() => state.GetStatus();

    /// <summary>Gets the trailers, once the call has finished.</summary>
    /// <returns>The trailers.</returns>
    public Metadata GetTrailers() => state.GetTrailers();

    /// <summary>Gets an awaiter for the response, so the call itself can be awaited.</summary>
    /// <returns>The awaiter.</returns>
    public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Configures how awaiting the response continues, as <see cref="Task.ConfigureAwait(bool)"/> does.</summary>
    /// <param name="continueOnCapturedContext">Whether to continue on the captured context.</param>
    /// <returns>The awaitable response.</returns>
    public System.Runtime.CompilerServices.ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) =>
        ResponseAsync.ConfigureAwait(continueOnCapturedContext);

    /// <summary>Releases the call, cancelling it if it is still running.</summary>
    public void Dispose() => state.Dispose();
}

/// <summary>A server-streaming call: read responses with <c>await foreach</c>, directly on the call.</summary>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="responseStream">The response stream.</param>
/// <param name="state">The call's headers, status and trailers.</param>
public sealed class AsyncServerStreamingCall<TResponse>(IAsyncStreamReader<TResponse> responseStream, CallState state) : IAsyncEnumerable<TResponse>, IDisposable
{
    /// <summary>Gets the response stream.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; } = responseStream;

    /// <summary>Gets a task that completes with the response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => state.ResponseHeadersAsync;

    /// <summary>Gets the final status, once the call has finished.</summary>
    /// <returns>The status.</returns>
    public Status GetStatus() => state.GetStatus();

    /// <summary>Gets the trailers, once the call has finished.</summary>
    /// <returns>The trailers.</returns>
    public Metadata GetTrailers() => state.GetTrailers();

    /// <summary>Reads every response; the call is disposed when the enumeration ends.</summary>
    /// <param name="cancellationToken">Stops the enumeration and cancels the call.</param>
    /// <returns>The enumerator.</returns>
    public async IAsyncEnumerator<TResponse> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                yield return ResponseStream.Current;
            }
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Releases the call, cancelling it if it is still running.</summary>
    public void Dispose() => state.Dispose();
}

/// <summary>A client-streaming call: write requests, complete, then await the response.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="requestStream">The request stream.</param>
/// <param name="responseAsync">Completes with the response.</param>
/// <param name="state">The call's headers, status and trailers.</param>
public sealed class AsyncClientStreamingCall<TRequest, TResponse>(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, CallState state) : IDisposable
{
    /// <summary>Gets the request stream.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; } = requestStream;

    /// <summary>Gets a task that completes with the response.</summary>
    public Task<TResponse> ResponseAsync { get; } = responseAsync;

    /// <summary>Gets a task that completes with the response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => state.ResponseHeadersAsync;

    /// <summary>Gets the final status, once the call has finished.</summary>
    /// <returns>The status.</returns>
    public Status GetStatus() => state.GetStatus();

    /// <summary>Gets the trailers, once the call has finished.</summary>
    /// <returns>The trailers.</returns>
    public Metadata GetTrailers() => state.GetTrailers();

    /// <summary>Gets an awaiter for the response, so the call itself can be awaited.</summary>
    /// <returns>The awaiter.</returns>
    public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Releases the call, cancelling it if it is still running.</summary>
    public void Dispose() => state.Dispose();
}

/// <summary>A duplex-streaming call: write requests and read responses concurrently.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="requestStream">The request stream.</param>
/// <param name="responseStream">The response stream.</param>
/// <param name="state">The call's headers, status and trailers.</param>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse>(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, CallState state) : IDisposable
{
    /// <summary>Gets the request stream.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; } = requestStream;

    /// <summary>Gets the response stream.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; } = responseStream;

    /// <summary>Gets a task that completes with the response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => state.ResponseHeadersAsync;

    /// <summary>Gets the final status, once the call has finished.</summary>
    /// <returns>The status.</returns>
    public Status GetStatus() => state.GetStatus();

    /// <summary>Gets the trailers, once the call has finished.</summary>
    /// <returns>The trailers.</returns>
    public Metadata GetTrailers() => state.GetTrailers();

    /// <summary>Releases the call, cancelling it if it is still running.</summary>
    public void Dispose() => state.Dispose();
}
