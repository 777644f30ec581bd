using Atom.Google.Rpc;
using Atom.Sdk;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal;

/// <summary>
/// The proto3 JSON settings of the REST face and of every JSON error body: one formatter, one parser,
/// and a type registry so that google.rpc.Status details (Any) print as their real types.
/// </summary>
internal static class RpcJson
{
    public static readonly TypeRegistry ErrorDetailTypes = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor, StatusReflection.Descriptor);

    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(ErrorDetailTypes).WithFormatDefaultValues(false));

    public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithTypeRegistry(ErrorDetailTypes).WithIgnoreUnknownFields(false));

    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The google.rpc.Status of an error: the one in its details trailer, or one made from its status.</summary>
    public static Atom.Google.Rpc.Status ToRpcStatus(Sdk.Status status, Metadata? trailers)
    {
        var details = trailers?.GetValueBytes(Sdk.Internal.GrpcProtocol.StatusDetailsTrailer);
        if (details is not null)
        {
            try
            {
                return Atom.Google.Rpc.Status.Parser.ParseFrom(details);
            }
            catch (InvalidProtocolBufferException)
            {
                // Fall through to the plain status.
            }
        }

        return new Atom.Google.Rpc.Status { Code = (int)status.StatusCode, Message = status.Detail };
    }

    /// <summary>Answers a request that never reached a handler with an HTTP status, gRPC status headers and a JSON google.rpc.Status body.</summary>
    public static async Task WriteHttpErrorAsync(HttpContext http, int httpStatus, RpcException error)
    {
        var response = http.Response;
        response.StatusCode = httpStatus;
        response.ContentType = ContentType;
        response.Headers[Sdk.Internal.GrpcProtocol.StatusTrailer] = ((int)error.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[Sdk.Internal.GrpcProtocol.MessageTrailer] = Sdk.Internal.PercentEncoding.Encode(error.Status.Detail);
        await response.WriteAsync(Formatter.Format(ToRpcStatus(error.Status, error.Trailers)) + "\n");
    }
}
