using Google.Protobuf;
using Google.Protobuf.Compiler;
using Google.Protobuf.Reflection;

namespace Atom.Codegen.Tests;

public sealed class AtomGeneratorTests
{
    [Fact]
    public void Client_option_generates_a_method_table_and_typed_client_per_service()
    {
        var response = AtomGenerator.Generate(Request("client"));

        Assert.Empty(response.Error);
        var file = Assert.Single(response.File);
        Assert.Equal("Demo/Things/V1/ThingServiceClient.g.cs", file.Name);
        Assert.Contains("public static partial class ThingServiceRpc", file.Content, StringComparison.Ordinal);
        Assert.Contains("public partial class ThingServiceClient : global::Atom.Sdk.RpcClientBase", file.Content, StringComparison.Ordinal);
        Assert.Contains("public const string ServiceName = \"demo.things.v1.ThingService\";", file.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_call_kind_gets_its_client_shape()
    {
        var content = AtomGenerator.Generate(Request("client")).File[0].Content;

        Assert.Contains("global::Atom.Sdk.AsyncUnaryCall<global::Demo.Things.V1.Thing> GetThingAsync(global::Demo.Things.V1.GetThingRequest request", content, StringComparison.Ordinal);
        Assert.Contains("AsyncServerStreamingCall<global::Demo.Things.V1.Thing> WatchThings(", content, StringComparison.Ordinal);
        Assert.Contains("AsyncClientStreamingCall<global::Demo.Things.V1.Thing, global::Demo.Things.V1.GetThingRequest> Upload(", content, StringComparison.Ordinal);
        Assert.Contains("AsyncDuplexStreamingCall<global::Demo.Things.V1.Thing.Types.Part, global::Demo.Things.V1.Thing> Sync(", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Idempotency_level_marks_methods_safe_to_retry()
    {
        var content = AtomGenerator.Generate(Request("client")).File[0].Content;

        Assert.Contains("\"GetThing\", global::Atom.Sdk.MethodType.Unary,", content, StringComparison.Ordinal);
        var getThing = content[content.IndexOf("\"GetThing\"", StringComparison.Ordinal)..];
        Assert.Contains("isIdempotent: true", getThing[..getThing.IndexOf(';')], StringComparison.Ordinal);
        var upload = content[content.IndexOf("\"Upload\"", StringComparison.Ordinal)..];
        Assert.Contains("isIdempotent: false", upload[..upload.IndexOf(';')], StringComparison.Ordinal);
    }

    [Fact]
    public void Proto_comments_become_escaped_xml_docs()
    {
        var content = AtomGenerator.Generate(Request("client,server")).File[0].Content;

        Assert.Contains("/// Gets a thing &amp; its &lt;parts&gt;.", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_option_generates_a_base_whose_methods_answer_unimplemented()
    {
        var response = AtomGenerator.Generate(Request("server"));

        var file = Assert.Single(response.File);
        Assert.Equal("Demo/Things/V1/ThingServiceBase.g.cs", file.Name);
        Assert.Contains("public abstract partial class ThingServiceBase : global::Atom.Server.Rpc.IRpcService<ThingServiceBase>", file.Content, StringComparison.Ordinal);
        Assert.Contains("binder.AddDuplexStreaming(ThingServiceRpc.Sync,", file.Content, StringComparison.Ordinal);
        Assert.Contains("throw global::Atom.Server.Rpc.RpcErrors.Unimplemented(ThingServiceRpc.GetThing);", file.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("clients")]
    [InlineData("client,grpc")]
    public void A_bad_parameter_is_reported_to_protoc_not_thrown(string parameter)
    {
        var response = AtomGenerator.Generate(Request(parameter));

        Assert.NotEmpty(response.Error);
        Assert.Empty(response.File);
    }

    [Theory]
    [InlineData("server", "Server")]
    [InlineData("error_details", "ErrorDetails")]
    [InlineData("v1alpha", "V1Alpha")]
    [InlineData("foo-bar.baz", "FooBarBaz")]
    [InlineData("x2y", "X2Y")]
    public void File_names_become_protoc_pascal_case(string input, string expected) =>
        Assert.Equal(expected, Internal.CSharpNames.PascalCase(input));

    /// <summary>A request for a small contract built in code, with comments in its source info.</summary>
    private static CodeGeneratorRequest Request(string parameter)
    {
        var thing = new DescriptorProto
        {
            Name = "Thing",
            Field = { new FieldDescriptorProto { Name = "id", Number = 1, Type = FieldDescriptorProto.Types.Type.String, Label = FieldDescriptorProto.Types.Label.Optional, JsonName = "id" } },
            NestedType = { new DescriptorProto { Name = "Part" } },
        };
        var file = new FileDescriptorProto
        {
            Name = "demo/things/v1/things.proto",
            Package = "demo.things.v1",
            Syntax = "proto3",
            MessageType = { thing, new DescriptorProto { Name = "GetThingRequest" } },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "ThingService",
                    Method =
                    {
                        new MethodDescriptorProto { Name = "GetThing", InputType = ".demo.things.v1.GetThingRequest", OutputType = ".demo.things.v1.Thing", Options = new MethodOptions { IdempotencyLevel = MethodOptions.Types.IdempotencyLevel.NoSideEffects } },
                        new MethodDescriptorProto { Name = "WatchThings", InputType = ".demo.things.v1.GetThingRequest", OutputType = ".demo.things.v1.Thing", ServerStreaming = true },
                        new MethodDescriptorProto { Name = "Upload", InputType = ".demo.things.v1.Thing", OutputType = ".demo.things.v1.GetThingRequest", ClientStreaming = true },
                        new MethodDescriptorProto { Name = "Sync", InputType = ".demo.things.v1.Thing.Part", OutputType = ".demo.things.v1.Thing", ClientStreaming = true, ServerStreaming = true },
                    },
                },
            },
            SourceCodeInfo = new SourceCodeInfo
            {
                // Path 6 (service) / 0 / 2 (method) / 0: the GetThing method.
                Location = { new SourceCodeInfo.Types.Location { Path = { 6, 0, 2, 0 }, Span = { 1, 1, 10 }, LeadingComments = " Gets a thing & its <parts>.\n" } },
            },
        };

        return new CodeGeneratorRequest { Parameter = parameter, FileToGenerate = { file.Name }, ProtoFile = { file } };
    }
}
