using Atom.Sdk;
using Atom.Server.Rpc;
using Google.Protobuf;
using Grpc.Testing;

namespace Atom.Interop.TestHost;

/// <summary>grpc.testing.TestService as gRPC's interop test descriptions define the server's side.</summary>
public class TestServiceImpl : TestServiceBase
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    /// <inheritdoc />
    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    /// <inheritdoc />
    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        ThrowIfStatusRequested(request.ResponseStatus);
        if (request.ResponseCompressed?.Value == true)
        {
            context.ResponseCompression = "gzip";
        }

        return new SimpleResponse { Payload = Payload(request.ResponseSize) };
    }

    /// <inheritdoc />
    public override Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context) => UnaryCall(request, context);

    /// <inheritdoc />
    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IAsyncStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        foreach (var parameters in request.ResponseParameters)
        {
            await SleepAsync(parameters.IntervalUs, context.CancellationToken);
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Payload(parameters.Size) });
        }

        ThrowIfStatusRequested(request.ResponseStatus);
    }

    /// <inheritdoc />
    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requests, ServerCallContext context)
    {
        var total = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            total += request.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    /// <inheritdoc />
    public override async Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requests, IAsyncStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            ThrowIfStatusRequested(request.ResponseStatus);
            foreach (var parameters in request.ResponseParameters)
            {
                await SleepAsync(parameters.IntervalUs, context.CancellationToken);
                await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Payload(parameters.Size) });
            }
        }
    }

    /// <inheritdoc />
    public override async Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requests, IAsyncStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        var all = new List<StreamingOutputCallRequest>();
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            all.Add(request);
        }

        foreach (var parameters in all.SelectMany(r => r.ResponseParameters))
        {
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Payload(parameters.Size) });
        }
    }

    // Payloads are zeros and never mutated, so one shared buffer serves every size up to it (no copy per call).
    private static readonly byte[] Zeros = new byte[1024 * 1024];

    private static Payload Payload(int size) => new()
    {
        Body = size == 0 ? ByteString.Empty
            : size <= Zeros.Length ? UnsafeByteOperations.UnsafeWrap(Zeros.AsMemory(0, size))
            : ByteString.CopyFrom(new byte[size]),
    };

    private static Task SleepAsync(int intervalUs, CancellationToken cancellationToken) =>
        intervalUs > 0 ? Task.Delay(TimeSpan.FromMicroseconds(intervalUs), cancellationToken) : Task.CompletedTask;

    private static void ThrowIfStatusRequested(EchoStatus? status)
    {
        if (status is not null && status.Code != 0)
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        var headers = context.HttpContext.Request.Headers;
        if (!headers.ContainsKey(EchoInitialKey) && !headers.ContainsKey(EchoTrailingKey))
        {
            return;
        }

        var initial = context.RequestHeaders.Get(EchoInitialKey);
        if (initial is not null)
        {
            await context.WriteResponseHeadersAsync(new Metadata { initial });
        }

        var trailing = context.RequestHeaders.Get(EchoTrailingKey);
        if (trailing is not null)
        {
            context.ResponseTrailers.Add(trailing);
        }
    }
}
