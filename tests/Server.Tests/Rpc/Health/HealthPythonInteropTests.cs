using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Rpc.Health;

/// <summary>Health through Debian's python3-grpcio, a gRPC implementation nobody here wrote.</summary>
public sealed class HealthPythonInteropTests(TestServer server) : IClassFixture<TestServer>
{
    // Raw bytes in and out: HealthCheckRequest{service} is field 1 (string), the response's status is field 1 (varint).
    private const string Script = """
        import sys, grpc
        target = sys.argv[1]
        def req(name):
            data = name.encode()
            return (b"\x0a" + bytes([len(data)]) + data) if data else b""
        with grpc.insecure_channel(target) as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            print("check", check(req(""), timeout=10).hex())
            try:
                check(req("no.such.Service"), timeout=10)
            except grpc.RpcError as e:
                print("unknown", e.code().name)
            watch = channel.unary_stream("/grpc.health.v1.Health/Watch")
            for response in watch(req("no.such.Service"), timeout=10):
                print("watch", response.hex())
                break
        """;

    [Fact]
    public async Task Python_grpcio_checks_and_watches()
    {
        // A missing peer fails the test rather than skipping it: ./build.sh test always installs python3-grpcio.
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 with python3-grpcio is needed: run ./build.sh test, or apt-get install python3-grpcio.");

        var run = await PeerProcess.RunAsync("/usr/bin/python3", ["-c", Script, $"{server.GrpcAddress.Host}:{server.GrpcAddress.Port}"], TimeSpan.FromSeconds(60));
        Assert.False(run.Stderr.Contains("No module named 'grpc'", StringComparison.Ordinal), "python3-grpcio is not installed: apt-get install python3-grpcio.");

        var lines = run.Lines;
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["check 0801", "unknown NOT_FOUND", "watch 0803"], lines);
    }
}
