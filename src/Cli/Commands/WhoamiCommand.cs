using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary><c>atom whoami</c>: who the server takes the caller for (AuthService.GetCurrentIdentity), and which credential said so.</summary>
internal static class WhoamiCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("whoami", "Show who the server takes you for: user or service account, tenant, roles, and the credential used");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var response = await new AuthServiceClient(connection)
                .GetCurrentIdentityAsync(new GetCurrentIdentityRequest(), context.CallOptions())
                .ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var principal = response.Principal ?? new Principal();
            var credential = connection.Origin switch
            {
                CredentialOrigin.Option => "--token",
                CredentialOrigin.Environment => "ATOM_TOKEN",
                CredentialOrigin.Profile => $"{(principal.AuthenticatedBy == "api_key" ? "API key" : "session")} stored in {context.Profiles.PathFor(context.Settings.Server)}",
                _ => "none",
            };
            Display.Facts(context.Console,
            [
                ("Server", context.Settings.Server),
                ("Signed in as", principal.Email.Length > 0 ? principal.Email : principal.DisplayName),
                ("Kind", principal.Kind == Principal.Types.Kind.ServiceAccount ? "service account" : "user"),
                ("ID", principal.Id),
                ("Display name", principal.DisplayName),
                ("Tenant", principal.TenantName.Length > 0 ? $"{principal.TenantName} ({principal.TenantId})" : principal.TenantId),
                ("Roles", RoleNames.Names(principal.Roles)),
                ("Platform admin", principal.PlatformAdmin ? "yes" : "no"),
                ("Authenticated by", principal.AuthenticatedBy),
                ("Key scopes", principal.Scopes.Count > 0 ? string.Join(", ", principal.Scopes) : principal.AuthenticatedBy == "api_key" ? "all" : "-"),
                ("Credential", credential),
                ("Session ends", connection.Profile?.RefreshTokenExpireTime is { } ends ? Display.Time(ends) : string.Empty),
            ]);
            return ExitCodes.Success;
        }, token));
        return command;
    }
}
