using Atom.Grpc.Reflection.V1Alpha;
using Atom.Sdk;
using Google.Protobuf;
using ReflectionV1 = Atom.Grpc.Reflection.V1;

namespace Atom.Server.Rpc.Reflection;

/// <summary>
/// Implements grpc.reflection.v1alpha.ServerReflection, which older clients still ask for. Its messages are
/// v1's on the wire, so each query is re-read as v1, answered by the same code, and the answer re-read as v1alpha.
/// </summary>
public sealed class ServerReflectionV1AlphaService(ServerReflectionService v1) : ServerReflectionBase
{
    /// <inheritdoc />
    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requests, IAsyncStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            var answer = v1.Responder.Answer(ReflectionV1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()));
            await responses.WriteAsync(ServerReflectionResponse.Parser.ParseFrom(answer.ToByteString()), context.CancellationToken);
        }
    }
}
