namespace Atom.Server.Rpc;

/// <summary>The protocol a call arrived on. Handlers rarely care; interceptors and logs do.</summary>
public enum RpcFace
{
    /// <summary>gRPC over HTTP/2.</summary>
    Grpc,
    /// <summary>gRPC-Web, binary (application/grpc-web).</summary>
    GrpcWeb,
    /// <summary>gRPC-Web, base64 text (application/grpc-web-text).</summary>
    GrpcWebText,
    /// <summary>JSON over HTTP, transcoded from a google.api.http rule.</summary>
    Rest,
}
