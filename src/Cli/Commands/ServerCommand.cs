using System.CommandLine;
using System.Globalization;
using Atom.V1;
using Spectre.Console;

namespace Atom.Cli.Commands;

/// <summary><c>atom server info</c>: what the server is and what it runs with.</summary>
internal static class ServerCommand
{
    public static Command Create(CommandRunner runner)
    {
        var info = new Command("info", "Show the server's version, build, runtime, components and services");
        info.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var channel = context.Connect();
            var response = await new ServerServiceClient(channel)
                .GetServerInfoAsync(new GetServerInfoRequest(), context.Settings.CallOptions(context.CancellationToken))
                .ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                Render(context.Console, response);
            }

            return ExitCodes.Success;
        }, token));

        return new Command("server", "Inspect the server") { info };
    }

    private static void Render(IAnsiConsole console, GetServerInfoResponse info)
    {
        var summary = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        summary.AddRow("[bold]Server[/]", Markup.Escape(info.Version));
        summary.AddRow("[bold]Build[/]", Markup.Escape(info.Build));
        summary.AddRow("[bold]Runtime[/]", Markup.Escape(info.Runtime));
        if (info.StartTime is { } started)
        {
            var start = started.ToDateTimeOffset();
            var uptime = DateTimeOffset.UtcNow - start;
            summary.AddRow("[bold]Started[/]", Markup.Escape($"{start.ToString("u", CultureInfo.InvariantCulture)} (up {FormatUptime(uptime)})"));
        }

        console.Write(summary);
        console.WriteLine();

        var components = new Table().Title("Components").AddColumns("Component", "Provider", "Enabled", "Detail");
        foreach (var component in info.Components)
        {
            components.AddRow(
                Markup.Escape(component.Name),
                Markup.Escape(component.Provider),
                component.Enabled ? "[green]yes[/]" : "[grey]no[/]",
                Markup.Escape(component.Detail));
        }

        console.Write(components);

        var services = new Table().Title("Services").AddColumn("Service");
        foreach (var service in info.Services)
        {
            services.AddRow(Markup.Escape(service));
        }

        console.Write(services);
    }

    private static string FormatUptime(TimeSpan uptime) => uptime switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalMinutes: < 1 } => $"{uptime.Seconds}s",
        { TotalHours: < 1 } => $"{uptime.Minutes}m {uptime.Seconds}s",
        { TotalDays: < 1 } => $"{uptime.Hours}h {uptime.Minutes}m",
        _ => $"{(int)uptime.TotalDays}d {uptime.Hours}h",
    };
}
