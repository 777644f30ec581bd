using System.CommandLine;
using System.Net.Http;
using System.Net.Sockets;
using Atom.Cli.Descriptors;
using Atom.Cli.Profiles;
using Atom.Sdk;
using Spectre.Console;

namespace Atom.Cli;

/// <summary>
/// Runs a command's body with the global options read, and turns every way it can fail into a message on
/// stderr and an exit code (see <see cref="ExitCodes"/>), so each command's body reads straight down.
/// </summary>
/// <param name="options">The global options.</param>
/// <param name="interrupted">Cancelled by Ctrl+C.</param>
internal sealed class CommandRunner(GlobalOptions options, CancellationToken interrupted)
{
    public async Task<int> RunAsync(ParseResult result, Func<CliContext, Task<int>> body, CancellationToken token)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, interrupted);
        var settings = options.Read(result);
        var context = new CliContext(settings, DescriptorCatalog.Default, ProfileStore.FromEnvironment(), Console.Out, Console.Error, CreateConsole(), linked.Token);
        try
        {
            return await body(context).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            return ErrorReport.Usage(context.Error, e.Message);
        }
        catch (Exception e) when (linked.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            await context.Error.WriteLineAsync("error: CANCELLED: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (RpcException e)
        {
            return ErrorReport.Print(context, e);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            // The channel reports these as UNAVAILABLE; this catches any that slip through as transport errors.
            return ErrorReport.Print(context, new RpcException(new Atom.Sdk.Status(StatusCode.Unavailable, $"cannot reach {settings.Server}: {e.Message}")));
        }
    }

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });

        // Redirected output has no width: keep lines whole for grep and for people reading logs.
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
