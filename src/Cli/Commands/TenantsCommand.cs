using System.CommandLine;
using Atom.Cli.Calls;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary><c>atom tenants create|list</c>: the platform administrators' view of tenants (TenantService; the server enforces who may).</summary>
internal static class TenantsCommand
{
    private static readonly string[] Columns = ["ID", "Name", "Display name", "Created", "Status"];

    public static Command Create(CommandRunner runner) => new("tenants", "Create and list tenants (platform administrators only)")
    {
        CreateCommand(runner),
        ListCommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("name")
        {
            Description = "A unique short name: lower-case letters, digits and '-', 2 to 63 characters; people sign in with it",
        };
        var displayName = new Option<string?>("--display-name")
        {
            Description = "The name shown to people [default: the short name]",
            HelpName = "TEXT",
        };
        var command = new Command("create", "Create a tenant") { name, displayName };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var response = await new TenantServiceClient(connection).CreateTenantAsync(new CreateTenantRequest
            {
                Name = result.GetValue(name)!,
                DisplayName = result.GetValue(displayName) ?? string.Empty,
                RequestId = Guid.NewGuid().ToString(),
            }, context.CallOptions()).ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                var tenant = response.Tenant ?? new Tenant();
                await context.Out.WriteLineAsync($"Created tenant {tenant.Name}.").ConfigureAwait(false);
                Display.Facts(context.Console, Columns.Zip(Row(tenant)));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List every tenant");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var client = new TenantServiceClient(connection);
            var response = await Pages.AllAsync(page => client.ListTenantsAsync(new ListTenantsRequest { PageToken = page }, context.CallOptions()).ResponseAsync)
                .ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                Display.Table(context.Console, "tenants", Columns, response.Tenants.Select(Row));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static string[] Row(Tenant tenant) =>
        [tenant.Id, tenant.Name, tenant.DisplayName, Display.Time(tenant.CreateTime), tenant.Disabled ? "disabled" : "active"];
}
