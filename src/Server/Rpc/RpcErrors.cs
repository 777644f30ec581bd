using Atom.Sdk;
using Atom.V1;

namespace Atom.Server.Rpc;

/// <summary>The errors the runtime and generated bases raise, each with its google.rpc details.</summary>
public static class RpcErrors
{
    /// <summary>The error for a method the service does not implement.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The exception, to throw.</returns>
    public static RpcException Unimplemented(IMethod method) =>
        AtomErrors.Exception(StatusCode.Unimplemented, ErrorReason.MethodNotFound, $"Method {method.ServiceName}/{method.Name} is not implemented by this server.");

    /// <summary>The error for a field that failed validation.</summary>
    /// <param name="field">The field path.</param>
    /// <param name="description">Why it failed.</param>
    /// <returns>The exception, to throw.</returns>
    public static RpcException InvalidField(string field, string description) => AtomErrors.InvalidField(field, description);

    /// <summary>The error for a resource that does not exist (or that the caller may not know exists).</summary>
    /// <param name="resourceType">The resource type, e.g. "room".</param>
    /// <param name="name">The id or name asked for.</param>
    /// <returns>The exception, to throw.</returns>
    public static RpcException NotFound(string resourceType, string name) =>
        new(StatusCode.NotFound, $"{resourceType} '{name}' was not found.",
            AtomErrors.Info(ErrorReason.NotFound, ("resource_type", resourceType)),
            new Atom.Google.Rpc.ResourceInfo { ResourceType = resourceType, ResourceName = name, Description = "not found" });
}
