using Atom.Server.Hosting;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Storage;
using Atom.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity;

/// <summary>
/// The first start of a server with an empty store: creates the tenant <c>default</c>, the platform admin
/// <c>admin@localhost</c> (OWNER, no password) and an admin API key, all in one transaction with their audit
/// events. The key's secret is <c>Atom:Bootstrap:AdminToken</c> when configured, else random: printed once and
/// written to <c>&lt;Atom:DataDir&gt;/admin.token</c> (mode 0600). Any later start, with any tenant present,
/// does nothing. Registered after the migrations, so it runs on the newest schema.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="tenants">The tenants.</param>
/// <param name="users">The users.</param>
/// <param name="apiKeys">The key service.</param>
/// <param name="audit">The audit log.</param>
/// <param name="bootstrap">The configured admin token, if any.</param>
/// <param name="server">The data directory.</param>
/// <param name="logger">The logger.</param>
public sealed partial class IdentityBootstrapper(
    AtomDatabase database,
    TenantStore tenants,
    UserStore users,
    ApiKeyService apiKeys,
    AuditLog audit,
    IOptions<BootstrapOptions> bootstrap,
    IOptions<AtomServerOptions> server,
    ILogger<IdentityBootstrapper> logger) : IHostedService
{
    /// <summary>The name of the tenant the first start creates.</summary>
    public const string DefaultTenantName = "default";

    /// <summary>The email of the admin the first start creates.</summary>
    public const string AdminEmail = "admin@localhost";

    /// <summary>The file the random admin key is written to, in the data directory.</summary>
    public const string AdminTokenFile = "admin.token";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = bootstrap.Value.AdminToken;
        if (!string.IsNullOrEmpty(configured) && !ApiKeySecret.TryParse(configured, out _, out var problem))
        {
            throw new OptionsValidationException(BootstrapOptions.Section + ":AdminToken", typeof(BootstrapOptions),
                [$"Atom:Bootstrap:AdminToken is not a valid API key: {problem} Generate one or leave it empty for a random key."]);
        }

        var created = await BootstrapAsync(configured, cancellationToken);
        if (created is null)
        {
            if (!string.IsNullOrEmpty(configured))
            {
                Log.AdminTokenIgnored(logger);
            }

            return;
        }

        Log.Bootstrapped(logger, created.Value.TenantId, AdminEmail);
        if (created.Value.TokenFile is { } file)
        {
            // Printed once, on purpose: the operator's only other way in is the file.
            Console.WriteLine($"Atom: first start. Admin API key (also in {file}, mode 0600):{Environment.NewLine}  {created.Value.Secret}");
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<(string TenantId, string Secret, string? TokenFile)?> BootstrapAsync(string? configured, CancellationToken cancellationToken) =>
        database.AsPlatformAsync<(string, string, string?)?>(async (c, t) =>
        {
            if (database.Dialect == SqlDialect.Postgres)
            {
                // Several nodes may start on an empty store at once: one bootstraps, the others then see its tenant.
                await Dapper.SqlMapper.ExecuteAsync(c, "SELECT pg_advisory_xact_lock(7400740075)", transaction: t);
            }

            if (await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT count(*) FROM tenants", transaction: t) > 0)
            {
                return null;
            }

            var tenant = await tenants.CreateAsync(c, t, DefaultTenantName, "Default");
            var admin = await users.CreateAsync(c, t, tenant.Id, new NewUser(AdminEmail, "Administrator", [Role.Owner], PasswordHash: null, PlatformAdmin: true));
            var secret = string.IsNullOrEmpty(configured) ? ApiKeySecret.Generate() : configured;
            var (key, _) = apiKeys.Prepare(tenant.Id, admin.Id, PrincipalKind.User, "bootstrap admin", [], null, secret);
            await ApiKeyStore.InsertAsync(c, t, key, Internal.StoreSupport.Sha256Hex(secret));

            await audit.AppendAsync(c, t, new AuditEvent(tenant.Id, "system", AuditActions.TenantCreated, tenant.Id, Detail: new Dictionary<string, string> { ["name"] = tenant.Name }));
            await audit.AppendAsync(c, t, new AuditEvent(tenant.Id, "system", AuditActions.UserCreated, admin.Id, Detail: new Dictionary<string, string> { ["email"] = AdminEmail, ["roles"] = "owner", ["platform_admin"] = "true" }));
            await audit.AppendAsync(c, t, new AuditEvent(tenant.Id, "system", AuditActions.ApiKeyCreated, key.Id, Detail: new Dictionary<string, string> { ["principal_id"] = admin.Id, ["prefix"] = key.Prefix }));
            await audit.AppendAsync(c, t, new AuditEvent(tenant.Id, "system", AuditActions.BootstrapCompleted, tenant.Id, Detail: new Dictionary<string, string>
            {
                ["admin_user_id"] = admin.Id, ["api_key_id"] = key.Id, ["admin_token"] = string.IsNullOrEmpty(configured) ? "generated" : "configured",
            }));

            string? file = null;
            if (string.IsNullOrEmpty(configured))
            {
                // Written inside the transaction: if the file cannot be written, nothing is committed and the next start tries again.
                file = Path.GetFullPath(Path.Combine(server.Value.DataDir, AdminTokenFile));
                await WriteSecretFileAsync(file, secret, cancellationToken);
            }

            return (tenant.Id, secret, file);
        }, cancellationToken);

    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600, never readable by others even for a moment; SetUnixFileMode also fixes a file that existed.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(secret.AsMemory(), cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "First start: created tenant {TenantId} with platform admin {Email} and an admin API key")]
        public static partial void Bootstrapped(ILogger logger, string tenantId, string email);

        [LoggerMessage(2, LogLevel.Information, "Atom:Bootstrap:AdminToken is set but the store is already bootstrapped; it is ignored")]
        public static partial void AdminTokenIgnored(ILogger logger);
    }
}
