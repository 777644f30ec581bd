using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.Cli.Profiles;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom login</c>: signs in with email and password (AuthService.SignIn), or stores an API key or access
/// token read from stdin after checking it (GetCurrentIdentity); either way the credential becomes the
/// profile of the --server, used by later commands that get no --token.
/// </summary>
internal static class LoginCommand
{
    // A TOTP code is six digits; anything else typed at the prompt is taken for a recovery code.
    private const int TotpDigits = 6;

    public static Command Create(CommandRunner runner)
    {
        var tenant = new Option<string?>("--tenant")
        {
            Description = "The tenant's short name [default: the server's default tenant]",
            HelpName = "NAME",
        };
        var email = new Option<string?>("--email")
        {
            Description = "Sign in with this email and a password",
            HelpName = "EMAIL",
        };
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from standard input (without it, it is asked for on the terminal)",
        };
        var totp = new Option<string?>("--totp")
        {
            Description = "A current code from the authenticator app, for accounts with two-factor authentication",
            HelpName = "CODE",
        };
        var recoveryCode = new Option<string?>("--recovery-code")
        {
            Description = "A one-time recovery code instead of --totp",
            HelpName = "CODE",
        };
        var tokenStdin = new Option<bool>("--token-stdin")
        {
            Description = "Store an API key or access token read from standard input, after checking it with the server",
        };

        var command = new Command("login", "Sign in and store the credential for later commands (one profile per --server, in $XDG_CONFIG_HOME/atom)")
        {
            tenant,
            email,
            passwordStdin,
            totp,
            recoveryCode,
            tokenStdin,
        };
        command.Validators.Add(result =>
        {
            var byToken = result.GetValue(tokenStdin);
            if (byToken && (result.GetValue(email) is not null || result.GetValue(passwordStdin) || result.GetValue(tenant) is not null
                || result.GetValue(totp) is not null || result.GetValue(recoveryCode) is not null))
            {
                result.AddError("--token-stdin takes the credential as it is: it cannot be combined with --email, --password-stdin, --tenant, --totp or --recovery-code.");
            }
            else if (!byToken && string.IsNullOrWhiteSpace(result.GetValue(email)))
            {
                result.AddError("Say how to sign in: --email EMAIL (with --password-stdin), or --token-stdin.");
            }
            else if (result.GetValue(totp) is not null && result.GetValue(recoveryCode) is not null)
            {
                result.AddError("Give --totp or --recovery-code, not both.");
            }
        });

        command.SetAction((result, token) => runner.RunAsync(result, context => result.GetValue(tokenStdin)
            ? WithTokenAsync(context)
            : WithPasswordAsync(context, new SignInRequest
            {
                Tenant = result.GetValue(tenant)?.Trim() ?? string.Empty,
                Email = result.GetValue(email)!.Trim(),
                TotpCode = result.GetValue(totp)?.Trim() ?? string.Empty,
                RecoveryCode = result.GetValue(recoveryCode)?.Trim() ?? string.Empty,
            }, result.GetValue(passwordStdin)), token));
        return command;
    }

    private static async Task<int> WithPasswordAsync(CliContext context, SignInRequest request, bool passwordFromStdin)
    {
        request.Password = passwordFromStdin
            ? await SecretInput.ReadAsync(Console.In, "--password-stdin", context.CancellationToken).ConfigureAwait(false)
            : await SecretInput.PromptAsync("Password: ", context.CancellationToken).ConfigureAwait(false)
                ?? throw new UsageException("no password: pipe it in with --password-stdin (a password is never taken as an argument).");

        using var connection = ServerConnection.WithToken(context.Settings, token: null);
        var auth = new AuthServiceClient(connection);
        SignInResponse response;
        try
        {
            response = await auth.SignInAsync(request, context.CallOptions()).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.HasReason(ErrorReason.MfaRequired) && request.TotpCode.Length == 0 && request.RecoveryCode.Length == 0)
        {
            var code = await SecretInput.PromptAsync("Two-factor code (or a recovery code): ", context.CancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(code))
            {
                var exitCode = ErrorReport.Print(context, e);
                if (context.Settings.Output == OutputFormat.Table)
                {
                    await context.Error.WriteLineAsync(
                        "This account has two-factor authentication on, so a code is needed: run the command again with "
                        + "--totp CODE (from the authenticator app) or --recovery-code CODE.").ConfigureAwait(false);
                }

                return exitCode;
            }

            code = code.Trim();
            if (code.Length == TotpDigits && code.All(char.IsAsciiDigit))
            {
                request.TotpCode = code;
            }
            else
            {
                request.RecoveryCode = code;
            }

            response = await auth.SignInAsync(request, context.CallOptions()).ConfigureAwait(false);
        }

        var tokens = response.Tokens ?? throw new RpcException(new Status(StatusCode.Internal, "SignIn answered without tokens."));
        var profile = ProfileOf(context.Settings.Server, ProfileCredentialKind.Session, tokens.AccessToken, response.Principal) with
        {
            TokenExpireTime = tokens.AccessTokenExpireTime?.ToDateTimeOffset(),
            RefreshToken = tokens.RefreshToken,
            RefreshTokenExpireTime = tokens.RefreshTokenExpireTime?.ToDateTimeOffset(),
        };
        return await SaveAsync(context, profile, response.Principal).ConfigureAwait(false);
    }

    private static async Task<int> WithTokenAsync(CliContext context)
    {
        var secret = (await SecretInput.ReadAsync(Console.In, "--token-stdin", context.CancellationToken).ConfigureAwait(false)).Trim();

        // Checked before it is stored: a typo should fail here, not in the next command.
        using var connection = ServerConnection.WithToken(context.Settings, secret);
        var identity = await new AuthServiceClient(connection)
            .GetCurrentIdentityAsync(new GetCurrentIdentityRequest(), context.CallOptions())
            .ConfigureAwait(false);
        var kind = identity.Principal?.AuthenticatedBy == "api_key" ? ProfileCredentialKind.ApiKey : ProfileCredentialKind.AccessToken;
        return await SaveAsync(context, ProfileOf(context.Settings.Server, kind, secret, identity.Principal), identity.Principal).ConfigureAwait(false);
    }

    private static async Task<int> SaveAsync(CliContext context, ServerProfile profile, Principal? principal)
    {
        await EndPreviousSessionAsync(context).ConfigureAwait(false);
        context.Profiles.Save(profile);
        if (context.Settings.Output == OutputFormat.Json)
        {
            // The identity, never the tokens: they are in the profile and stay out of logs.
            await context.Out.WriteLineAsync(context.Json(new GetCurrentIdentityResponse { Principal = principal })).ConfigureAwait(false);
        }
        else
        {
            var tenant = profile.TenantName.Length > 0 ? $" (tenant {profile.TenantName})" : string.Empty;
            var with = profile.Kind switch
            {
                ProfileCredentialKind.ApiKey => " with an API key",
                ProfileCredentialKind.AccessToken => " with an access token, which cannot be renewed",
                _ => string.Empty,
            };
            await context.Out.WriteLineAsync($"Signed in to {profile.Server} as {profile.Who}{tenant}{with}.").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"Credentials stored in {context.Profiles.PathFor(profile.Server)}.").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// A new sign-in replaces the stored one, whose refresh token would otherwise be forgotten while still valid
    /// for weeks: it is revoked first, on a best-effort basis (a session that is already over needs nothing).
    /// </summary>
    private static async Task EndPreviousSessionAsync(CliContext context)
    {
        ServerProfile? previous;
        try
        {
            previous = context.Profiles.Load(context.Settings.Server);
        }
        catch (UsageException)
        {
            return;
        }

        if (previous is not { Kind: ProfileCredentialKind.Session, RefreshToken: not null })
        {
            return;
        }

        try
        {
            using var connection = ServerConnection.ForProfile(context.Settings, context.Profiles, previous);
            await connection.EndSessionAsync(context.CallOptions()).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Cancelled or StatusCode.Unauthenticated))
        {
            await context.Error.WriteLineAsync($"warning: the previous session for {previous.Server} ({previous.Who}) could not be signed out: {e.Status.Detail}")
                .ConfigureAwait(false);
        }
    }

    private static ServerProfile ProfileOf(string server, ProfileCredentialKind kind, string token, Principal? principal) => new()
    {
        Server = ProfileStore.NormalizeServer(server),
        Kind = kind,
        Token = token,
        PrincipalId = principal?.Id ?? string.Empty,
        TenantId = principal?.TenantId ?? string.Empty,
        TenantName = principal?.TenantName ?? string.Empty,
        Email = principal?.Email ?? string.Empty,
        DisplayName = principal?.DisplayName ?? string.Empty,
        UpdateTime = DateTimeOffset.UtcNow,
    };
}
