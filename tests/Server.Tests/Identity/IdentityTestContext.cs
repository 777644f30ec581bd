using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Role = Atom.V1.Role;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Identity;

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A migrated store of either provider with every identity service on a manual clock, and two tenants.</summary>
public sealed class IdentityTestContext : IAsyncDisposable
{
    private IdentityTestContext(AtomDatabase database, IdentityOptions options)
    {
        Database = database;
        var wrapped = Options.Create(options);
        Changes = new AccessChanges();
        Tenants = new TenantStore(database, Clock, Changes);
        Users = new UserStore(database, Clock, Changes);
        Groups = new GroupStore(database, Clock);
        ServiceAccounts = new ServiceAccountStore(database, Clock, Changes);
        ApiKeyStore = new ApiKeyStore(database, Clock, Changes);
        RefreshTokenStore = new RefreshTokenStore(database);
        SigningKeys = new SigningKeyStore(database);
        Idempotency = new IdempotencyStore(database, Clock);
        Audit = new AuditLog(database, Clock);
        AccessTokens = new AccessTokenService(SigningKeys, Clock, wrapped);
        RefreshTokens = new RefreshTokenService(RefreshTokenStore, Clock, wrapped);
        ApiKeys = new ApiKeyService(ApiKeyStore, Clock);
        Mfa = new MultiFactorService(Users, Clock, wrapped);
        Throttle = new SignInThrottle(database, Clock);
        Hasher = new PasswordHasher(1000); // fast for tests; the policy's 600,000 is tested in PasswordHasherTests
        SignIn = new PasswordSignIn(Tenants, Users, Hasher, Throttle, Mfa, AccessTokens, RefreshTokens, Audit);
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public AtomDatabase Database { get; }

    public AccessChanges Changes { get; }

    public TenantStore Tenants { get; }

    public UserStore Users { get; }

    public GroupStore Groups { get; }

    public ServiceAccountStore ServiceAccounts { get; }

    public ApiKeyStore ApiKeyStore { get; }

    public RefreshTokenStore RefreshTokenStore { get; }

    public SigningKeyStore SigningKeys { get; }

    public IdempotencyStore Idempotency { get; }

    public AuditLog Audit { get; }

    public AccessTokenService AccessTokens { get; }

    public RefreshTokenService RefreshTokens { get; }

    public ApiKeyService ApiKeys { get; }

    public MultiFactorService Mfa { get; }

    public SignInThrottle Throttle { get; }

    public PasswordHasher Hasher { get; }

    public PasswordSignIn SignIn { get; }

    public Tenant A { get; private set; } = null!;

    public Tenant B { get; private set; } = null!;

    public static async Task<IdentityTestContext> CreateAsync(string provider, IdentityOptions? options = null)
    {
        var context = new IdentityTestContext(await StoreProvider.CreateMigratedAsync(provider), options ?? new IdentityOptions());
        context.A = await context.Tenants.CreateAsync("alpha", "Alpha");
        context.B = await context.Tenants.CreateAsync("beta", "Beta");
        return context;
    }

    public Task<User> CreateUserAsync(Tenant tenant, string email, params Role[] roles) =>
        Users.CreateAsync(tenant.Id, new NewUser(email, email.Split('@')[0], roles.Length == 0 ? [Role.Member] : roles));

    public async ValueTask DisposeAsync()
    {
        AccessTokens.Dispose();
        await Database.DisposeAsync();
    }
}
