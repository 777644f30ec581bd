using Atom.Grpc.Reflection.V1;
using Atom.Server.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Alpha = Atom.Grpc.Reflection.V1Alpha;

namespace Atom.Server.Tests.Rpc.Reflection;

public sealed class ServerReflectionServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private const string V1Path = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
    private const string V1AlphaPath = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

    [Fact]
    public async Task List_services_names_every_registered_service_including_health_and_reflection()
    {
        var response = await AskAsync(new ServerReflectionRequest { ListServices = "*" });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Equal(
            [
                "atom.v1.AnnotationService", "atom.v1.ApiKeyService", "atom.v1.AuthService", "atom.v1.ChatService", "atom.v1.FileService", "atom.v1.GroupService",
                "atom.v1.RoomService", "atom.v1.SearchService", "atom.v1.ServerService", "atom.v1.ServiceAccountService", "atom.v1.TenantService", "atom.v1.UserService", "atom.v1.VoiceService",
                "atomtest.v1.EchoService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
            ],
            names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task File_by_filename_returns_the_file_and_its_transitive_dependencies()
    {
        var response = await AskAsync(new ServerReflectionRequest { FileByFilename = "atomtest/v1/echo.proto", Host = "example" });

        Assert.Equal("example", response.ValidHost);
        Assert.Equal("atomtest/v1/echo.proto", response.OriginalRequest.FileByFilename);
        var files = Files(response);
        Assert.Equal("atomtest/v1/echo.proto", files[0].Name);
        // echo.proto imports annotations.proto, which imports http.proto and descriptor.proto.
        Assert.Contains("google/api/annotations.proto", files.Select(f => f.Name));
        Assert.Contains("google/api/http.proto", files.Select(f => f.Name));
        Assert.Contains("google/protobuf/descriptor.proto", files.Select(f => f.Name));
        Assert.Contains("google/protobuf/timestamp.proto", files.Select(f => f.Name));
        Assert.Equal(files.Count, files.Select(f => f.Name).Distinct().Count());

        // A real descriptor set: it builds.
        var built = FileDescriptor.BuildFromByteStrings(DependenciesFirst(files).Select(f => f.ToByteString()));
        Assert.Contains(built, f => f.FindTypeByName<ServiceDescriptor>("EchoService") is not null);
    }

    [Theory]
    [InlineData("atomtest.v1.EchoService", "atomtest/v1/echo.proto")]
    [InlineData("atomtest.v1.EchoService.Chat", "atomtest/v1/echo.proto")]
    [InlineData("atomtest.v1.EchoRequest", "atomtest/v1/echo.proto")]
    [InlineData("atomtest.v1.EchoRequest.delay_ms", "atomtest/v1/echo.proto")]
    [InlineData(".atomtest.v1.Item", "atomtest/v1/echo.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse", "grpc/health/v1/health.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.SERVICE_UNKNOWN", "grpc/health/v1/health.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING", "grpc/health/v1/health.proto")]
    [InlineData("google.protobuf.Edition", "google/protobuf/descriptor.proto")]
    [InlineData("google.protobuf.EDITION_2023", "google/protobuf/descriptor.proto")]
    [InlineData("google.protobuf.FieldDescriptorProto.TYPE_INT32", "google/protobuf/descriptor.proto")]
    [InlineData("google.protobuf.Timestamp.seconds", "google/protobuf/timestamp.proto")]
    [InlineData("google.protobuf.DescriptorProto.ExtensionRange", "google/protobuf/descriptor.proto")]
    [InlineData("google.api.http", "google/api/annotations.proto")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection.ServerReflectionInfo", "grpc/reflection/v1alpha/reflection.proto")]
    public async Task File_containing_symbol_finds_services_methods_messages_nested_types_enums_values_fields_and_extensions(string symbol, string file)
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        Assert.Equal(file, Files(response)[0].Name);
    }

    [Fact]
    public async Task File_containing_extension_finds_google_api_http()
    {
        var response = await AskAsync(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 72295728 },
        });

        Assert.Equal("google/api/annotations.proto", Files(response)[0].Name);
    }

    [Fact]
    public async Task All_extension_numbers_of_type_lists_known_extensions()
    {
        var response = await AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "google.protobuf.MethodOptions" });

        Assert.Equal("google.protobuf.MethodOptions", response.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Equal([50400, 72295728], response.AllExtensionNumbersResponse.ExtensionNumber);

        var none = await AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "atomtest.v1.EchoRequest" });
        Assert.Equal("atomtest.v1.EchoRequest", none.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(none.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Theory]
    [MemberData(nameof(UnknownRequests))]
    public async Task Unknown_names_get_an_error_response_not_found(ServerReflectionRequest request)
    {
        var response = await AskAsync(request);

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, response.MessageResponseCase);
        Assert.Equal(5, response.ErrorResponse.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.ErrorResponse.ErrorMessage));
    }

    public static TheoryData<ServerReflectionRequest> UnknownRequests() =>
    [
        new ServerReflectionRequest { FileByFilename = "no/such.proto" },
        new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
        new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 1 } },
        new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "no.such.Type", ExtensionNumber = 72295728 } },
        new ServerReflectionRequest { AllExtensionNumbersOfType = "no.such.Type" },
    ];

    [Fact]
    public async Task Many_requests_on_one_stream_are_answered_in_order_and_errors_do_not_end_it()
    {
        ServerReflectionRequest[] requests =
        [
            new() { ListServices = "" },
            new() { FileContainingSymbol = "no.such.Symbol" },
            new() { FileByFilename = "grpc/health/v1/health.proto" },
            new() { FileContainingSymbol = "atom.v1.ServerService" },
            new() { AllExtensionNumbersOfType = "google.protobuf.MethodOptions" },
        ];
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, V1Path);

        // One at a time, each answered before the next is sent: the stream is interactive.
        var answers = new List<ServerReflectionResponse>();
        foreach (var request in requests)
        {
            await call.SendAsync(request);
            answers.Add((await call.ReadAsync(ServerReflectionResponse.Parser))!);
        }

        call.Complete();
        Assert.Null(await call.ReadAsync(ServerReflectionResponse.Parser));
        Assert.Equal(0, await call.StatusAsync());
        Assert.Equal(requests, answers.Select(a => a.OriginalRequest));
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse, answers[0].MessageResponseCase);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, answers[1].MessageResponseCase);
        Assert.Equal("grpc/health/v1/health.proto", Files(answers[2])[0].Name);
        Assert.Equal("atom/v1/server.proto", Files(answers[3])[0].Name);
        Assert.Equal([50400, 72295728], answers[4].AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Fact]
    public async Task V1alpha_answers_like_v1()
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, V1AlphaPath);
        await call.SendAsync(new Alpha.ServerReflectionRequest { FileContainingSymbol = "atomtest.v1.EchoService.Echo" });
        await call.SendAsync(new Alpha.ServerReflectionRequest { ListServices = "" });
        await call.SendAsync(new Alpha.ServerReflectionRequest { FileByFilename = "nope.proto" });
        call.Complete();

        var file = (await call.ReadAsync(Alpha.ServerReflectionResponse.Parser))!;
        var list = (await call.ReadAsync(Alpha.ServerReflectionResponse.Parser))!;
        var error = (await call.ReadAsync(Alpha.ServerReflectionResponse.Parser))!;
        Assert.Equal(0, await call.StatusAsync());

        Assert.Equal("atomtest.v1.EchoService.Echo", file.OriginalRequest.FileContainingSymbol);
        Assert.Equal("atomtest/v1/echo.proto", FileDescriptorProto.Parser.ParseFrom(file.FileDescriptorResponse.FileDescriptorProto[0]).Name);
        Assert.Contains(list.ListServicesResponse.Service, s => s.Name == "grpc.reflection.v1alpha.ServerReflection");
        Assert.Equal(5, error.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task Buf_curl_lists_methods_through_reflection()
    {
        var result = await BufCurl.RunAsync("--protocol", "grpc", "--http2-prior-knowledge", "--list-methods", server.GrpcAddress.ToString().TrimEnd('/'));

        Assert.True(result.ExitCode == 0, result.Output);
        var methods = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("atom.v1.ServerService/GetServerInfo", methods);
        Assert.Contains("atomtest.v1.EchoService/Chat", methods);
        Assert.Contains("grpc.health.v1.Health/Watch", methods);
        Assert.Contains("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", methods);
    }

    [Fact]
    public async Task Buf_curl_calls_get_server_info_described_by_reflection()
    {
        var result = await BufCurl.RunAsync("--protocol", "grpc", "--http2-prior-knowledge", "-d", "{}", $"{server.GrpcAddress}atom.v1.ServerService/GetServerInfo");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("\"grpc.reflection.v1.ServerReflection\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"reflection\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"health\"", result.Output, StringComparison.Ordinal);
    }

    private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request)
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, V1Path);
        await call.SendAsync(request);
        call.Complete();
        var response = await call.ReadAsync(ServerReflectionResponse.Parser);
        Assert.Equal(0, await call.StatusAsync());
        return response!;
    }

    private static List<FileDescriptorProto> DependenciesFirst(List<FileDescriptorProto> files)
    {
        var byName = files.ToDictionary(f => f.Name);
        var ordered = new List<FileDescriptorProto>();
        var seen = new HashSet<string>();
        void Visit(FileDescriptorProto file)
        {
            if (!seen.Add(file.Name))
            {
                return;
            }

            foreach (var dependency in file.Dependency)
            {
                Visit(byName[dependency]);
            }

            ordered.Add(file);
        }

        files.ForEach(Visit);
        return ordered;
    }

    private static List<FileDescriptorProto> Files(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return [.. response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom)];
    }
}
