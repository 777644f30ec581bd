using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Commands;

/// <summary><c>atom keys create|list|revoke</c>: your API keys (ApiKeyService). A key's secret is printed once, at creation.</summary>
internal static class KeysCommand
{
    private static readonly string[] Columns = ["ID", "Name", "Prefix", "Scopes", "Created", "Expires", "Last used", "Status"];

    // The scope names are the permissions' names, read from the contracts so help never lags behind them.
    private static readonly string ScopeNames = string.Join(", ", AccessReflection.Descriptor.EnumTypes.Single(e => e.Name == "Permission").Values
        .Where(v => v.Number != 0)
        .Select(v => v.Name["PERMISSION_".Length..].ToLowerInvariant()));

    public static Command Create(CommandRunner runner) => new("keys", "Create, list and revoke your API keys")
    {
        CreateCommand(runner),
        ListCommand(runner),
        RevokeCommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Option<string>("--name")
        {
            Description = "What the key is for, e.g. 'ci deploys'",
            HelpName = "TEXT",
            Required = true,
        };
        var scopes = new Option<string[]>("--scope")
        {
            Description = $"Limit the key to a permission; repeat for several [default: everything you may do]. Scopes: {ScopeNames}",
            HelpName = "SCOPE",
        };
        var expires = Expiry.Option("When the key stops working: a duration (30d, 12h, 90m) or an ISO-8601 date or time, UTC unless it says otherwise [default: never]");
        var command = new Command("create", "Create an API key for yourself; its secret is printed this once") { name, scopes, expires };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            var request = new CreateApiKeyRequest
            {
                Name = result.GetValue(name)!,
                RequestId = Guid.NewGuid().ToString(),
            };
            request.Scopes.Add((result.GetValue(scopes) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            if (result.GetValue(expires) is { } expireTime)
            {
                request.ExpireTime = Timestamp.FromDateTimeOffset(expireTime);
            }

            using var connection = context.Connect();
            var response = await new ApiKeyServiceClient(connection).CreateApiKeyAsync(request, context.CallOptions()).ConfigureAwait(false);

            // The one place a secret is printed: the server keeps only its hash, so now is the only chance.
            await context.Error.WriteLineAsync("warning: the key's secret is shown this once and will not be shown again: store it now.").ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                var key = response.ApiKey ?? new ApiKey();
                await context.Out.WriteLineAsync($"Created API key '{key.Name}'.").ConfigureAwait(false);
                Display.Facts(context.Console, Columns.Zip(Row(key)).Append(("Secret", response.Secret)));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List your API keys (a tenant's service-account keys too, with the api_keys_manage permission); secrets are never shown");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var client = new ApiKeyServiceClient(connection);
            var response = await Pages.AllAsync(page => client.ListApiKeysAsync(new ListApiKeysRequest { PageToken = page }, context.CallOptions()).ResponseAsync)
                .ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                Display.Table(context.Console, "API keys", Columns, response.ApiKeys.Select(Row));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command RevokeCommand(CommandRunner runner)
    {
        var keyId = new Argument<string>("key-id") { Description = "The key's id (see atom keys list)" };
        var command = new Command("revoke", "Revoke an API key at once") { keyId };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var response = await new ApiKeyServiceClient(connection)
                .RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = result.GetValue(keyId)! }, context.CallOptions())
                .ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                var key = response.ApiKey ?? new ApiKey();
                await context.Out.WriteLineAsync($"Revoked API key '{key.Name}'.").ConfigureAwait(false);
                Display.Facts(context.Console, Columns.Zip(Row(key)));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static string[] Row(ApiKey key) =>
    [
        key.Id,
        key.Name,
        key.Prefix,
        key.Scopes.Count > 0 ? string.Join(", ", key.Scopes) : "all",
        Display.Time(key.CreateTime),
        key.ExpireTime is null ? "never" : Display.Time(key.ExpireTime),
        key.LastUsedTime is null ? "never" : Display.Time(key.LastUsedTime),
        Status(key),
    ];

    private static string Status(ApiKey key) =>
        key.RevokeTime is not null ? "revoked"
        : key.ExpireTime is { } expires && expires.ToDateTimeOffset() <= DateTimeOffset.UtcNow ? "expired"
        : "active";
}
