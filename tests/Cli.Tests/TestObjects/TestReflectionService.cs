using Atom.Grpc.Reflection.V1;
using Atom.Sdk;
using Atom.Server.Rpc;

namespace Atom.Cli.Tests.TestObjects;

/// <summary>
/// A minimal grpc.reflection.v1 server for servers that do not serve their own yet: it answers
/// list_services with the registered services and everything else with an error response, one per request.
/// </summary>
public sealed class TestReflectionService(RpcServiceRegistry registry) : ServerReflectionBase
{
    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requests, IAsyncStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            var response = new ServerReflectionResponse { OriginalRequest = request, ValidHost = request.Host };
            if (request.MessageRequestCase == ServerReflectionRequest.MessageRequestOneofCase.ListServices)
            {
                response.ListServicesResponse = new ListServiceResponse();
                response.ListServicesResponse.Service.AddRange(registry.Services.Select(s => new ServiceResponse { Name = s.FullName }));
            }
            else
            {
                response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.Unimplemented, ErrorMessage = "only list_services" };
            }

            await responses.WriteAsync(response, context.CancellationToken);
        }
    }
}
