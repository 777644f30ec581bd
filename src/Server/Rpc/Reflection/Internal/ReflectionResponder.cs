using Atom.Grpc.Reflection.V1;
using Atom.Sdk;
using Google.Protobuf.Reflection;

namespace Atom.Server.Rpc.Reflection.Internal;

/// <summary>
/// Answers server reflection queries. Written against grpc.reflection.v1; v1alpha's messages are the same on
/// the wire, so its service converts and reuses this.
/// </summary>
internal sealed class ReflectionResponder(RpcServiceRegistry registry)
{
    private readonly Lazy<DescriptorIndex> _index = new(() => new DescriptorIndex(registry.Services));

    private DescriptorIndex Index => _index.Value;

    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = new ListServiceResponse();
                response.ListServicesResponse.Service.AddRange(Index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, Index.FindFile(request.FileByFilename), $"File '{request.FileByFilename}' is not known to this server.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, Index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol '{request.FileContainingSymbol}' is not known to this server.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(response, Index.FindExtension(extension.ContainingType, extension.ExtensionNumber)?.File,
                    $"No extension {extension.ExtensionNumber} of type '{extension.ContainingType}' is known to this server.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var type = Index.FindMessage(request.AllExtensionNumbersOfType);
                if (type is null)
                {
                    SetError(response, StatusCode.NotFound, $"Message type '{request.AllExtensionNumbersOfType}' is not known to this server.");
                    break;
                }

                response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = type.FullName };
                response.AllExtensionNumbersResponse.ExtensionNumber.AddRange(Index.ExtensionNumbersOf(type));
                break;

            default:
                SetError(response, StatusCode.InvalidArgument, "The reflection request asks for nothing this server knows (no message_request set).");
                break;
        }

        return response;
    }

    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        // The file and all it imports, so a client can build the descriptors without asking again.
        response.FileDescriptorResponse = new FileDescriptorResponse();
        response.FileDescriptorResponse.FileDescriptorProto.AddRange(DescriptorIndex.WithDependencies(file).Select(f => f.SerializedData));
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
