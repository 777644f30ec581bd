using Google.Protobuf.Reflection;

namespace Atom.Codegen.Internal;

/// <summary>Generates a service's method table and typed client for the SDK.</summary>
internal static class ClientGenerator
{
    public static string Generate(ServiceDescriptor service, CSharpNames names)
    {
        var w = new CodeWriter().Header(service.File).Line().Line($"namespace {names.Namespace};").Line();

        w.Summary(service, $"The RPC methods of {service.FullName}.")
            .Open($"public static partial class {names.MethodTable}")
            .Line("/// <summary>The fully qualified service name.</summary>")
            .Line($"public const string ServiceName = \"{service.FullName}\";")
            .Line()
            .Line("/// <summary>Gets the service's descriptor.</summary>")
            .Line($"public static global::Google.Protobuf.Reflection.ServiceDescriptor Descriptor => {names.ReflectionClass}.Descriptor.Services[{service.Index}];");

        foreach (var method in service.Methods)
        {
            var idempotent = method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent
                or MethodOptions.Types.IdempotencyLevel.NoSideEffects;
            w.Line()
                .Summary(method, $"The {method.Name} method.")
                .Line($"public static readonly global::Atom.Sdk.Method<{Request(method)}, {Response(method)}> {method.Name} = new(")
                .Line($"    ServiceName, \"{method.Name}\", global::Atom.Sdk.MethodType.{Kind(method)},")
                .Line($"    {Request(method)}.Parser, {Response(method)}.Parser, isIdempotent: {(idempotent ? "true" : "false")},")
                .Line($"    descriptor: static () => Descriptor.Methods[{method.Index}]);");
        }

        w.Close().Line();

        w.Summary(service, $"A typed client for {service.FullName}.")
            .Open($"public partial class {names.Client} : global::Atom.Sdk.RpcClientBase")
            .Line("/// <summary>Creates a client that makes its calls through <paramref name=\"invoker\"/>, e.g. an <see cref=\"global::Atom.Sdk.AtomChannel\"/>.</summary>")
            .Line("/// <param name=\"invoker\">The channel or invoker the calls go through.</param>")
            .Line($"public {names.Client}(global::Atom.Sdk.CallInvoker invoker) : base(invoker)")
            .Line("{")
            .Line("}");

        foreach (var method in service.Methods)
        {
            var table = $"{names.MethodTable}.{method.Name}";
            w.Line().Summary(method, $"Calls {method.Name}.");
            switch (Kind(method))
            {
                case "Unary":
                    w.Line("/// <param name=\"request\">The request.</param>")
                        .Line("/// <param name=\"options\">Deadline, headers, credentials and cancellation for this call.</param>")
                        .Line("/// <returns>The call: await it for the response (failures throw <see cref=\"global::Atom.Sdk.RpcException\"/>); its headers, status and trailers are there too.</returns>")
                        .Line($"public global::Atom.Sdk.AsyncUnaryCall<{Response(method)}> {method.Name}Async({Request(method)} request, global::Atom.Sdk.CallOptions? options = null)")
                        .Line($"    => Invoker.Unary({table}, request, options);");
                    break;
                case "ServerStreaming":
                    w.Line("/// <param name=\"request\">The request.</param>")
                        .Line("/// <param name=\"options\">Deadline, headers, credentials and cancellation for this call.</param>")
                        .Line("/// <returns>The call, whose response stream is read with <c>await foreach</c>.</returns>")
                        .Line($"public global::Atom.Sdk.AsyncServerStreamingCall<{Response(method)}> {method.Name}({Request(method)} request, global::Atom.Sdk.CallOptions? options = null)")
                        .Line($"    => Invoker.ServerStreaming({table}, request, options);");
                    break;
                case "ClientStreaming":
                    w.Line("/// <param name=\"options\">Deadline, headers, credentials and cancellation for this call.</param>")
                        .Line("/// <returns>The call: write requests, complete the request stream, then await the response.</returns>")
                        .Line($"public global::Atom.Sdk.AsyncClientStreamingCall<{Request(method)}, {Response(method)}> {method.Name}(global::Atom.Sdk.CallOptions? options = null)")
                        .Line($"    => Invoker.ClientStreaming({table}, options);");
                    break;
                default:
                    w.Line("/// <param name=\"options\">Deadline, headers, credentials and cancellation for this call.</param>")
                        .Line("/// <returns>The call, with a request stream to write and a response stream to read.</returns>")
                        .Line($"public global::Atom.Sdk.AsyncDuplexStreamingCall<{Request(method)}, {Response(method)}> {method.Name}(global::Atom.Sdk.CallOptions? options = null)")
                        .Line($"    => Invoker.DuplexStreaming({table}, options);");
                    break;
            }
        }

        return w.Close().ToString();
    }

    internal static string Request(MethodDescriptor method) => CSharpNames.TypeName(method.InputType);

    internal static string Response(MethodDescriptor method) => CSharpNames.TypeName(method.OutputType);

    internal static string Kind(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => "Unary",
        (false, true) => "ServerStreaming",
        (true, false) => "ClientStreaming",
        _ => "DuplexStreaming",
    };
}
