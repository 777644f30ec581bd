using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom users create|list|disable|roles</c>: the users of the caller's tenant (UserService); a platform
/// administrator may create a user in another tenant with <c>--tenant</c> (how a new tenant gets its first owner).
/// </summary>
internal static class UsersCommand
{
    private static readonly string[] Columns = ["ID", "Email", "Display name", "Roles", "MFA", "Status", "Created"];

    public static Command Create(CommandRunner runner) => new("users", "Manage the users of your tenant")
    {
        CreateCommand(runner),
        ListCommand(runner),
        DisableCommand(runner),
        RolesCommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var email = new Argument<string>("email") { Description = "The user's email, unique in the tenant" };
        var displayName = new Option<string?>("--display-name") { Description = "The name shown to people", HelpName = "TEXT" };
        var roles = RoleNames.Option("The user's roles; repeat for several [default: member]");
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the initial password from standard input (at least 12 characters, not a common one)",
        };
        var tenant = new Option<string?>("--tenant")
        {
            Description = "The tenant to create the user in, by short name or id; another than your own needs a platform administrator [default: yours]",
            HelpName = "NAME",
        };
        var command = new Command("create", "Create a user with a password") { email, displayName, roles, passwordStdin, tenant };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            // The password is read before any call, so a missing one fails without touching the server.
            var password = result.GetValue(passwordStdin)
                ? await SecretInput.ReadAsync(Console.In, "--password-stdin", context.CancellationToken).ConfigureAwait(false)
                : await SecretInput.PromptAsync("Initial password: ", context.CancellationToken).ConfigureAwait(false)
                    ?? throw new UsageException("no password: pipe it in with --password-stdin (a password is never taken as an argument).");

            using var connection = context.Connect();
            var request = new CreateUserRequest
            {
                Email = result.GetValue(email)!.Trim(),
                DisplayName = result.GetValue(displayName) ?? string.Empty,
                Password = password,
                Tenant = result.GetValue(tenant)?.Trim() ?? string.Empty,
                RequestId = Guid.NewGuid().ToString(),
            };
            request.Roles.Add(result.GetValue(roles) ?? []);
            CreateUserResponse response;
            try
            {
                response = await new UserServiceClient(connection).CreateUserAsync(request, context.CallOptions()).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied && request.Tenant.Length > 0 && context.Settings.Output == OutputFormat.Table)
            {
                // Only platform administrators reach into other tenants; everyone else signs in to the tenant itself.
                var exitCode = ErrorReport.Print(context, e);
                await context.Error.WriteLineAsync(
                    $"hint: to create users in {request.Tenant} as its admin, sign in to it: atom login --tenant {request.Tenant} --email EMAIL --password-stdin").ConfigureAwait(false);
                return exitCode;
            }

            return await PrintAsync(context, response, response.User, "Created user").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var includeDisabled = new Option<bool>("--include-disabled") { Description = "Also list disabled users" };
        var command = new Command("list", "List the users of your tenant") { includeDisabled };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var client = new UserServiceClient(connection);
            var response = await Pages.AllAsync(page => client.ListUsersAsync(
                new ListUsersRequest { PageToken = page, IncludeDisabled = result.GetValue(includeDisabled) },
                context.CallOptions()).ResponseAsync).ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                Display.Table(context.Console, "users", Columns, response.Users.Select(Row));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command DisableCommand(CommandRunner runner)
    {
        var userId = new Argument<string>("user-id") { Description = "The user's id (see atom users list)" };
        var command = new Command("disable", "Disable a user: sign-in fails and their tokens and keys stop working") { userId };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var response = await new UserServiceClient(connection)
                .DisableUserAsync(new DisableUserRequest { UserId = result.GetValue(userId)! }, context.CallOptions())
                .ConfigureAwait(false);
            return await PrintAsync(context, response, response.User, "Disabled user").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command RolesCommand(CommandRunner runner)
    {
        var userId = new Argument<string>("user-id") { Description = "The user's id (see atom users list)" };
        var roles = RoleNames.Option("The roles the user gets, replacing the current ones; repeat for several");
        roles.Required = true;
        var command = new Command("roles", "Replace a user's roles in your tenant") { userId, roles };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var request = new SetUserRolesRequest { UserId = result.GetValue(userId)! };
            request.Roles.Add(result.GetValue(roles) ?? []);
            var response = await new UserServiceClient(connection).SetUserRolesAsync(request, context.CallOptions()).ConfigureAwait(false);
            return await PrintAsync(context, response, response.User, "Set the roles of user").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static async Task<int> PrintAsync(CliContext context, IMessage response, User? user, string done)
    {
        if (context.Settings.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        user ??= new User();
        await context.Out.WriteLineAsync($"{done} {user.Email}.").ConfigureAwait(false);
        Display.Facts(context.Console, Columns.Zip(Row(user)));
        return ExitCodes.Success;
    }

    private static string[] Row(User user) =>
    [
        user.Id,
        user.Email,
        user.DisplayName,
        RoleNames.Names(user.Roles) + (user.PlatformAdmin ? " (platform admin)" : string.Empty),
        user.MfaEnabled ? "on" : "off",
        user.Disabled ? "disabled" : "active",
        Display.Time(user.CreateTime),
    ];
}
