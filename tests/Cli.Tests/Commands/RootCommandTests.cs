using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

public sealed class RootCommandTests
{
    [Fact]
    public async Task Help_lists_the_commands_global_options_and_exit_codes()
    {
        var result = await AtomCli.RunAsync(["--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var text in new[] { "call", "describe", "server", "--server", "--token", "--output", "--timeout", "Exit codes" })
        {
            Assert.Contains(text, result.Stdout);
        }
    }

    [Fact]
    public async Task Help_never_shows_the_token_from_the_environment()
    {
        var result = await AtomCli.RunAsync(["call", "--help"], environment: new Dictionary<string, string> { ["ATOM_TOKEN"] = "do-not-print-me" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("do-not-print-me", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var result = await AtomCli.RunAsync([]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error:", result.Stderr);
    }
}
