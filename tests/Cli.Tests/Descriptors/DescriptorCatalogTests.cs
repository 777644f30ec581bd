using Atom.Cli.Descriptors;
using Atom.Sdk;

namespace Atom.Cli.Tests.Descriptors;

public sealed class DescriptorCatalogTests
{
    private static DescriptorCatalog Catalog => DescriptorCatalog.Default;

    [Fact]
    public void Knows_every_service_of_the_sdk_and_the_files_they_import()
    {
        var services = Catalog.Services.Select(s => s.FullName).ToList();

        Assert.Contains("atom.v1.ServerService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);
        Assert.Contains(Catalog.Files, f => f.Name == "google/protobuf/timestamp.proto");
        Assert.True(Catalog.Messages.ContainsKey("google.rpc.ErrorInfo"));
    }

    [Theory]
    [InlineData("atom.v1.ServerService/GetServerInfo")]
    [InlineData("/atom.v1.ServerService/GetServerInfo")]
    [InlineData("atom.v1.ServerService.GetServerInfo")]
    [InlineData("ServerService/GetServerInfo")]
    [InlineData("ServerService.GetServerInfo")]
    public void Finds_a_method_by_full_dotted_or_short_name(string name)
    {
        var method = Catalog.FindMethod(name);

        Assert.Same(Atom.V1.ServerServiceRpc.GetServerInfo.Descriptor, method);
        Assert.Equal(MethodType.Unary, DescriptorCatalog.KindOf(method));
    }

    [Fact]
    public void A_short_name_in_two_packages_is_ambiguous_and_the_message_lists_both()
    {
        var error = Assert.Throws<UsageException>(() => Catalog.FindMethod("ServerReflection/ServerReflectionInfo"));

        Assert.Contains("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", error.Message);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", error.Message);
    }

    [Theory]
    [InlineData("atom.v1.ServerService/Nope")]
    [InlineData("NoService/GetServerInfo")]
    [InlineData("GetServerInfo")]
    public void An_unknown_method_names_what_was_typed(string name)
    {
        var error = Assert.Throws<UsageException>(() => Catalog.FindMethod(name));

        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Kinds_come_from_the_descriptor()
    {
        Assert.Equal(MethodType.ServerStreaming, DescriptorCatalog.KindOf(Catalog.FindMethod("grpc.health.v1.Health/Watch")));
        Assert.Equal(MethodType.DuplexStreaming, DescriptorCatalog.KindOf(Catalog.FindMethod("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")));
    }

    [Theory]
    [InlineData(StatusCode.OK, 0)]
    [InlineData(StatusCode.NotFound, 1)]
    [InlineData(StatusCode.Unimplemented, 1)]
    [InlineData(StatusCode.Unavailable, 3)]
    [InlineData(StatusCode.DeadlineExceeded, 4)]
    public void Exit_codes_map_from_status_codes(StatusCode code, int exitCode) => Assert.Equal(exitCode, ExitCodes.For(code));

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED")]
    [InlineData(StatusCode.OK, "OK")]
    [InlineData(StatusCode.Unavailable, "UNAVAILABLE")]
    public void Status_codes_print_as_grpc_spells_them(StatusCode code, string name) => Assert.Equal(name, StatusCodeNames.Of(code));
}
