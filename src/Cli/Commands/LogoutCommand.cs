using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Profiles;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom logout</c>: revokes the stored session on the server (AuthService.SignOut with its refresh token) and
/// deletes the --server's profile. The profile goes even when the server cannot be told, so a lost laptop's
/// owner can at least clean up; the exit code then says the revocation failed.
/// </summary>
internal static class LogoutCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("logout", "Sign out: revoke the stored session on the server and delete the --server's profile");
        command.SetAction((result, token) => runner.RunAsync(result, LogoutAsync, token));
        return command;
    }

    private static async Task<int> LogoutAsync(CliContext context)
    {
        var server = ProfileStore.NormalizeServer(context.Settings.Server);
        ServerProfile? profile;
        try
        {
            profile = context.Profiles.Load(server);
        }
        catch (UsageException)
        {
            // A damaged profile holds nothing to revoke; deleting it is all logout can and should do.
            profile = null;
        }

        if (profile is null && !context.Profiles.Exists(server))
        {
            await ReportAsync(context, $"Not signed in to {server}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        RpcException? failure = null;
        if (profile is { RefreshToken: not null })
        {
            try
            {
                using var connection = ServerConnection.ForProfile(context.Settings, context.Profiles, profile);
                await connection.EndSessionAsync(context.CallOptions()).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                failure = e;
            }
        }

        context.Profiles.Delete(server);
        if (failure is not null && failure.StatusCode != StatusCode.Unauthenticated)
        {
            var exitCode = ErrorReport.Print(context, failure);
            await context.Error.WriteLineAsync(
                $"The credential stored for {server} is deleted, but the session could not be revoked on the server: it stays valid until it expires"
                + (profile?.RefreshTokenExpireTime is { } expires ? $" ({Display.Time(expires)})." : ".")).ConfigureAwait(false);
            return exitCode;
        }

        await ReportAsync(context, (profile?.Kind, failure) switch
        {
            (ProfileCredentialKind.Session, null) => $"Signed out of {server}: the session is revoked and the stored credential deleted.",
            (ProfileCredentialKind.Session, _) => $"Signed out of {server}: the stored credential is deleted (the session had already ended on the server).",
            (ProfileCredentialKind.ApiKey, _) => $"Signed out of {server}: the stored API key is deleted from this machine. The key itself works until it expires or is revoked (atom keys list, atom keys revoke).",
            (ProfileCredentialKind.AccessToken, _) => $"Signed out of {server}: the stored access token is deleted from this machine; it stays valid until it expires.",
            _ => $"Signed out of {server}: the damaged profile is deleted.",
        }).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static Task ReportAsync(CliContext context, string message) =>
        context.Settings.Output == OutputFormat.Json
            ? context.Out.WriteLineAsync(context.Json(new SignOutResponse()))
            : context.Out.WriteLineAsync(message);
}
