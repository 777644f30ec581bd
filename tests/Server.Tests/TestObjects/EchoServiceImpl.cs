using Atom.Sdk;
using Atom.Server.Rpc;
using Google.Protobuf;

namespace Atom.Server.Tests.TestObjects;

/// <summary>The test service behind echo.proto.</summary>
public sealed class EchoServiceImpl : EchoServiceBase
{
    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        if (request.FailWithCode != 0)
        {
            // INVALID_ARGUMENT comes with BadRequest details, so rich error paths get exercised too.
            throw request.FailWithCode == (int)StatusCode.InvalidArgument
                ? RpcErrors.InvalidField("fail_with_code", "asked to fail")
                : new RpcException(new Status((StatusCode)request.FailWithCode, "asked to fail"));
        }

        if (request.Headers.Count > 0)
        {
            var headers = new Metadata();
            foreach (var (key, value) in request.Headers)
            {
                if (Metadata.IsBinaryKey(key))
                {
                    headers.Add(key, Convert.FromBase64String(value));
                }
                else
                {
                    headers.Add(key, value);
                }
            }

            await context.WriteResponseHeadersAsync(headers);
        }

        foreach (var (key, value) in request.Trailers)
        {
            context.ResponseTrailers.Add(key, value);
        }

        var response = new EchoResponse
        {
            Message = request.Message,
            Item = request.Item,
            Payload = ByteString.CopyFrom(new byte[request.ResponseSize]),
            Color = request.Color,
            Big = request.Big,
            Data = request.Data,
            Wait = request.Wait,
            Maybe = request.Maybe,
            Flag = request.Flag,
            EchoHeader = context.RequestHeaders.GetValue("x-echo") ?? string.Empty,
        };
        response.Labels.AddRange(request.Labels);
        return response;
    }

    public override Task<EchoResponse> Cancel(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Message = "cancelled " + request.Message });

    public override async Task Count(CountRequest request, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            if (request.IntervalMs > 0 && i > 0)
            {
                await Task.Delay(request.IntervalMs, context.CancellationToken);
            }

            await responses.WriteAsync(new EchoResponse { Message = $"#{i}", Index = i });
        }

        if (request.FailWithCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailWithCode, "asked to fail mid-stream"));
        }
    }

    public override async Task<EchoResponse> Collect(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        var total = 0;
        var count = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            total += request.Message.Length;
            count++;
        }

        return new EchoResponse { Message = $"{count} messages, {total} chars", Index = count };
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requests, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await responses.WriteAsync(new EchoResponse { Message = request.Message, Index = index++ });
        }
    }
}
