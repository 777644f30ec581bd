using Atom.Server.Chat.Backplane;
using Atom.Server.Chat.Streaming;
using Atom.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Chat.Backplane;

/// <summary>Choosing the backplane: in-process by default, and a choice that cannot work stops the server before it starts.</summary>
public sealed class BackplaneConfigurationTests
{
    private static readonly string DataDir = Path.Combine(Path.GetTempPath(), "atom-backplane-config-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_single_node_delivers_in_process_by_default()
    {
        await using var server = AtomServer.Create(["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={DataDir}"]);

        Assert.IsType<InProcessRoomBackplane>(server.Services.GetRequiredService<IRoomBackplane>());
        Assert.Empty(server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PostgresRoomListener>());
    }

    [Fact]
    public void The_postgres_backplane_on_sqlite_storage_fails_at_start_up_saying_what_it_needs()
    {
        var error = Assert.Throws<OptionsValidationException>(() => AtomServer.Create(["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={DataDir}", "--Atom:Backplane=postgres"]));

        Assert.Contains("Atom:Storage:Provider=postgres", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sqlite'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_backplane_fails_at_start_up_naming_the_choices()
    {
        var error = Assert.Throws<OptionsValidationException>(() => AtomServer.Create(["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={DataDir}", "--Atom:Backplane=redis"]));

        Assert.Contains("'redis'", error.Message, StringComparison.Ordinal);
        Assert.Contains("inprocess", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres", error.Message, StringComparison.Ordinal);
    }
}
