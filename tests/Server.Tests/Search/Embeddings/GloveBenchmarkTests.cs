using System.Diagnostics;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// Figures, not a test of speed: runs <c>Atom.Server embeddings bench</c> on the real vectors in a process of its own (so its
/// memory is the generator's alone) and prints what it measured. It fails only if the command does.
/// </summary>
public sealed class GloveBenchmarkTests(ITestOutputHelper output)
{
    [GloveFact]
    public async Task Prints_load_time_memory_and_embeddings_per_second()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Atom.Server.dll"), "embeddings", "bench", TestGlove.Path!, "0.5" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var figures = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        output.WriteLine(figures);
        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("load ", figures, StringComparison.Ordinal);
        Assert.Contains("page ", figures, StringComparison.Ordinal);
    }
}
