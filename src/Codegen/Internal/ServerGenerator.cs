using Google.Protobuf.Reflection;
using static Atom.Codegen.Internal.ClientGenerator;

namespace Atom.Codegen.Internal;

/// <summary>Generates a service's abstract server base, whose methods answer UNIMPLEMENTED until overridden.</summary>
internal static class ServerGenerator
{
    public static string Generate(ServiceDescriptor service, CSharpNames names)
    {
        var w = new CodeWriter().Header(service.File).Line().Line($"namespace {names.Namespace};").Line();

        w.Summary(service, $"The base class for implementations of {service.FullName}.")
            .Open($"public abstract partial class {names.Base} : global::Atom.Server.Rpc.IRpcService<{names.Base}>")
            .Line("/// <summary>Gets the service's descriptor.</summary>")
            .Line($"public static global::Google.Protobuf.Reflection.ServiceDescriptor ServiceDescriptor => {names.MethodTable}.Descriptor;")
            .Line()
            .Line("/// <summary>Registers every method of the service with <paramref name=\"binder\"/>.</summary>")
            .Line("/// <param name=\"binder\">The binder of the server's method table.</param>")
            .Open($"public static void BindService(global::Atom.Server.Rpc.RpcServiceBinder<{names.Base}> binder)");

        foreach (var method in service.Methods)
        {
            var table = $"{names.MethodTable}.{method.Name}";
            var call = Kind(method) switch
            {
                "Unary" => $"binder.AddUnary({table}, static (service, request, context) => service.{method.Name}(request, context));",
                "ServerStreaming" => $"binder.AddServerStreaming({table}, static (service, request, responses, context) => service.{method.Name}(request, responses, context));",
                "ClientStreaming" => $"binder.AddClientStreaming({table}, static (service, requests, context) => service.{method.Name}(requests, context));",
                _ => $"binder.AddDuplexStreaming({table}, static (service, requests, responses, context) => service.{method.Name}(requests, responses, context));",
            };
            w.Line(call);
        }

        w.Close();

        foreach (var method in service.Methods)
        {
            var unimplemented = $"throw global::Atom.Server.Rpc.RpcErrors.Unimplemented({names.MethodTable}.{method.Name});";
            const string Context = "global::Atom.Server.Rpc.ServerCallContext context";
            w.Line().Summary(method, $"Handles {method.Name}.");
            switch (Kind(method))
            {
                case "Unary":
                    w.Line("/// <param name=\"request\">The request.</param>")
                        .Line("/// <param name=\"context\">The call's context: headers, deadline, cancellation, trailers.</param>")
                        .Line("/// <returns>The response.</returns>")
                        .Line($"public virtual global::System.Threading.Tasks.Task<{Response(method)}> {method.Name}({Request(method)} request, {Context})")
                        .Line($"    => {unimplemented}");
                    break;
                case "ServerStreaming":
                    w.Line("/// <param name=\"request\">The request.</param>")
                        .Line("/// <param name=\"responses\">The stream the responses are written to.</param>")
                        .Line("/// <param name=\"context\">The call's context: headers, deadline, cancellation, trailers.</param>")
                        .Line("/// <returns>A task that completes when the call is done.</returns>")
                        .Line($"public virtual global::System.Threading.Tasks.Task {method.Name}({Request(method)} request, global::Atom.Sdk.IAsyncStreamWriter<{Response(method)}> responses, {Context})")
                        .Line($"    => {unimplemented}");
                    break;
                case "ClientStreaming":
                    w.Line("/// <param name=\"requests\">The stream of requests.</param>")
                        .Line("/// <param name=\"context\">The call's context: headers, deadline, cancellation, trailers.</param>")
                        .Line("/// <returns>The response.</returns>")
                        .Line($"public virtual global::System.Threading.Tasks.Task<{Response(method)}> {method.Name}(global::Atom.Sdk.IAsyncStreamReader<{Request(method)}> requests, {Context})")
                        .Line($"    => {unimplemented}");
                    break;
                default:
                    w.Line("/// <param name=\"requests\">The stream of requests.</param>")
                        .Line("/// <param name=\"responses\">The stream the responses are written to.</param>")
                        .Line("/// <param name=\"context\">The call's context: headers, deadline, cancellation, trailers.</param>")
                        .Line("/// <returns>A task that completes when the call is done.</returns>")
                        .Line($"public virtual global::System.Threading.Tasks.Task {method.Name}(global::Atom.Sdk.IAsyncStreamReader<{Request(method)}> requests, global::Atom.Sdk.IAsyncStreamWriter<{Response(method)}> responses, {Context})")
                        .Line($"    => {unimplemented}");
                    break;
            }
        }

        return w.Close().ToString();
    }
}
