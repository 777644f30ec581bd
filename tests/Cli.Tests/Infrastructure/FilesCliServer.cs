using Atom.Cli.Tests.TestObjects;
using Atom.Server.Rpc;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// A server that takes files: a real clamd scans them (the one ./build.sh test started, ATOM_TEST_CLAMD, or one of
/// this process's), files are at most <see cref="MaxFileBytes"/>, and the chunk size is small, so a file of a few
/// hundred kilobytes already travels in several chunks. It gives open calls a second to end when stopped, for the
/// tests that stop it under a running upload, and holds Upload streams while its <see cref="Gate"/> is closed.
/// </summary>
public sealed class FilesCliServer : CliServer
{
    /// <summary>Gets the gate Upload streams pass, open unless a test closes it.</summary>
    public UploadGate Gate { get; } = new();

    /// <summary>The largest file the server takes.</summary>
    public const long MaxFileBytes = 6_000_000;

    /// <summary>The chunk size the server asks for.</summary>
    public const int ChunkBytes = 64 * 1024;

    protected override IEnumerable<string> Configuration =>
    [
        $"--Atom:Scanner:Address={ClamdServer.UnixAddress}",
        $"--Atom:Files:MaxFileBytes={MaxFileBytes}",
        $"--Atom:Files:ChunkSize={ChunkBytes}",
        "--Atom:ShutdownTimeout=00:00:01",
    ];

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(Gate);
        services.Configure<AtomRpcOptions>(o => o.Interceptors.Add(typeof(UploadGate)));
    }
}

[CollectionDefinition(Name)]
public sealed class FilesCliServerCollection : ICollectionFixture<FilesCliServer>
{
    public const string Name = "files cli server";
}
