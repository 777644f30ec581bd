using Atom.Grpc.Reflection.V1;
using Atom.Sdk;
using Atom.Server.Rpc.Reflection.Internal;

namespace Atom.Server.Rpc.Reflection;

/// <summary>
/// Implements grpc.reflection.v1.ServerReflection: lets generic tools (buf curl, grpcurl, Postman) list the
/// services and fetch the descriptors of everything this server exposes.
/// </summary>
public sealed class ServerReflectionService : ServerReflectionBase
{
    private readonly ReflectionResponder _responder;

    /// <summary>Initializes a new instance of the <see cref="ServerReflectionService"/> class.</summary>
    /// <param name="registry">The exposed services.</param>
    public ServerReflectionService(RpcServiceRegistry registry) => _responder = new ReflectionResponder(registry);

    internal ReflectionResponder Responder => _responder;

    /// <inheritdoc />
    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requests, IAsyncStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        // One answer per query, in order, for as long as the caller keeps the stream open.
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await responses.WriteAsync(_responder.Answer(request), context.CancellationToken);
        }
    }
}
