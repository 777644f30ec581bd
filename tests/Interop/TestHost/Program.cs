using Atom.Interop.TestHost;
using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Atom.Interop.TestHost.Diagnostics;

// dotnet run --project tests/Interop/TestHost -- --port N [--http-port M]
// Serves grpc.testing.TestService over the Atom runtime: native gRPC on N (h2c), gRPC-Web on M.
var port = Option("--port") ?? "0";
var httpPort = Option("--http-port") ?? "0";
var serverArgs = new List<string>
{
    $"--Atom:GrpcUrl=http://127.0.0.1:{port}",
    $"--Atom:HttpUrl=http://127.0.0.1:{httpPort}",
    // Interop clients send no credentials: the interop services are open, like health.
    "--Atom:Authorization:AnonymousServices:0=grpc.health.v1.Health",
    "--Atom:Authorization:AnonymousServices:1=grpc.testing.TestService",
};
serverArgs.AddRange(args.Where(a => a.StartsWith("--Atom:", StringComparison.Ordinal) || a.StartsWith("--Logging:", StringComparison.Ordinal)));

await using var server = AtomServer.Create([.. serverArgs], services =>
{
    services.AddAtomService<TestServiceImpl>();
    services.AddSingleton<CallCounter>();
    services.Configure<AtomRpcOptions>(o => o.Interceptors.Add(typeof(CallCounter)));
});
await server.StartAsync();
Console.WriteLine($"listening grpc={server.GrpcAddress.Port} http={server.HttpAddress.Port}");

// Benchmarks read allocations per call from this line (SIGUSR1 isn't portable; stdin is): press Enter, or send a line.
if (args.Contains("--report-allocations"))
{
    var counter = server.Services.GetRequiredService<CallCounter>();
    var sampler = args.Contains("--allocation-profile") ? new AllocationSampler() : null; // lives as long as the process
    _ = Task.Run(async () =>
    {
        var (calls, bytes) = (counter.Calls, GC.GetTotalAllocatedBytes(precise: true));
        while (await Console.In.ReadLineAsync() is not null)
        {
            var (nowCalls, nowBytes) = (counter.Calls, GC.GetTotalAllocatedBytes(precise: true));
            var perCall = nowCalls > calls ? (nowBytes - bytes) / (nowCalls - calls) : 0;
            Console.WriteLine($"allocations calls={nowCalls - calls} bytes={nowBytes - bytes} bytes_per_call={perCall}");
            if (sampler is not null)
            {
                var sampled = sampler.Top(100).Sum(p => p.Value);
                foreach (var (type, sampledBytes) in sampler.Top(25))
                {
                    Console.WriteLine($"  {100.0 * sampledBytes / Math.Max(1, sampled),5:0.0}%  ~{(nowCalls > calls ? sampledBytes * perCall / Math.Max(1, sampled) : 0),4} B/call  {type}");
                }

                sampler.Reset();
            }

            (calls, bytes) = (nowCalls, nowBytes);
        }
    });
}

await server.WaitForShutdownAsync();

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
