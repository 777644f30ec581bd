using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Storage;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class AccessTokenServiceTests
{
    private static readonly AccessTokenSubject Jane = new("user-1", "tenant-1", PrincipalKind.User);

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task An_issued_token_validates_with_its_claims(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var issued = await context.AccessTokens.IssueAsync(Jane);

        var result = await context.AccessTokens.ValidateAsync(issued.Token);

        Assert.Equal(AccessTokenStatus.Valid, result.Status);
        var claims = result.Claims!;
        Assert.Equal(("user-1", "tenant-1", PrincipalKind.User, issued.TokenId), (claims.Subject, claims.TenantId, claims.Kind, claims.TokenId));
        Assert.Equal(context.Clock.Now.AddMinutes(15), claims.ExpiresAt);
        Assert.Equal(issued.ExpiresAt, claims.ExpiresAt);

        var header = Json(issued.Token.Split('.')[0]);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal(claims.KeyId, header.GetProperty("kid").GetString());
        var payload = Json(issued.Token.Split('.')[1]);
        Assert.Equal("atom", payload.GetProperty("iss").GetString());
        Assert.Equal("atom", payload.GetProperty("aud").GetString());
        Assert.Equal("user", payload.GetProperty("kind").GetString());
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Each_failure_has_its_own_status(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var tokens = context.AccessTokens;
        var good = (await tokens.IssueAsync(Jane)).Token;
        var parts = good.Split('.');

        // Malformed: not three parts, not base64url, not JSON, another algorithm, a missing claim.
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(null)).Status);
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync("abc")).Status);
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(parts[0] + "." + parts[1])).Status);
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync("a!b.c.d")).Status);
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(B64("not json") + "." + parts[1] + "." + parts[2])).Status);
        var kid = Json(parts[0]).GetProperty("kid").GetString();
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(B64($"{{\"alg\":\"none\",\"kid\":\"{kid}\"}}") + "." + parts[1] + "." + parts[2])).Status);
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(B64($"{{\"alg\":\"HS256\",\"kid\":\"{kid}\"}}") + "." + parts[1] + "." + parts[2])).Status);
        var noSub = await tokens.SignAsync(w => { w.WriteString("iss", "atom"); w.WriteString("aud", "atom"); });
        Assert.Equal(AccessTokenStatus.Malformed, (await tokens.ValidateAsync(noSub)).Status);

        // Bad signature: a tampered payload, and a signature from another key under our kid.
        var tampered = Json(parts[1]).GetRawText().Replace("user-1", "user-2", StringComparison.Ordinal);
        Assert.Equal(AccessTokenStatus.BadSignature, (await tokens.ValidateAsync(parts[0] + "." + B64(tampered) + "." + parts[2])).Status);
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(AccessTokenStatus.BadSignature, (await tokens.ValidateAsync(SignWith(foreign, parts[0], parts[1]))).Status);

        // Unknown key: a well-formed token signed by a key this server never had.
        var unknownHeader = B64("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"no-such-key\"}");
        Assert.Equal(AccessTokenStatus.UnknownKey, (await tokens.ValidateAsync(SignWith(foreign, unknownHeader, parts[1]))).Status);

        // Wrong issuer and audience, properly signed.
        var now = context.Clock.Now.ToUnixTimeSeconds();
        Assert.Equal(AccessTokenStatus.WrongIssuer, (await tokens.ValidateAsync(await Forge(tokens, "evil", "atom", now, now + 900))).Status);
        Assert.Equal(AccessTokenStatus.WrongAudience, (await tokens.ValidateAsync(await Forge(tokens, "atom", "other-service", now, now + 900))).Status);
        Assert.Equal(AccessTokenStatus.NotYetValid, (await tokens.ValidateAsync(await Forge(tokens, "atom", "atom", now + 120, now + 900))).Status);
        Assert.Equal(AccessTokenStatus.Valid, (await tokens.ValidateAsync(await Forge(tokens, "atom", "atom", now, now + 900))).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Expiry_allows_30_seconds_of_clock_skew(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var token = (await context.AccessTokens.IssueAsync(Jane)).Token;

        context.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30));
        Assert.Equal(AccessTokenStatus.Valid, (await context.AccessTokens.ValidateAsync(token)).Status);
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AccessTokenStatus.Expired, (await context.AccessTokens.ValidateAsync(token)).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Rotation_makes_a_new_key_and_old_tokens_stay_valid_until_they_expire(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider, new IdentityOptions { SigningKeyRotation = TimeSpan.FromMinutes(10) });
        var first = await context.AccessTokens.IssueAsync(Jane);
        var firstKid = (await context.AccessTokens.ValidateAsync(first.Token)).Claims!.KeyId;

        context.Clock.Advance(TimeSpan.FromMinutes(11));
        var second = await context.AccessTokens.IssueAsync(Jane);
        var secondKid = (await context.AccessTokens.ValidateAsync(second.Token)).Claims!.KeyId;

        Assert.NotEqual(firstKid, secondKid);
        Assert.Equal(AccessTokenStatus.Valid, (await context.AccessTokens.ValidateAsync(first.Token)).Status);
        var keys = await context.SigningKeys.ListAsync();
        Assert.Equal(2, keys.Count);
        Assert.Null(keys.Single(k => k.Kid == secondKid).RetireAt);
        Assert.Equal(context.Clock.Now, keys.Single(k => k.Kid == firstKid).RetireAt);

        // Another node (a second service on the same store) validates both and signs with the new key.
        using var other = new AccessTokenService(context.SigningKeys, context.Clock, Microsoft.Extensions.Options.Options.Create(new IdentityOptions { SigningKeyRotation = TimeSpan.FromMinutes(10) }));
        Assert.Equal(AccessTokenStatus.Valid, (await other.ValidateAsync(first.Token)).Status);
        Assert.Equal(secondKid, (await other.ValidateAsync((await other.IssueAsync(Jane)).Token)).Claims!.KeyId);

        // Once every token of the retired key has expired, the key stops validating, and the next rotation deletes it.
        context.Clock.Advance(TimeSpan.FromMinutes(17));
        Assert.Contains((await context.AccessTokens.ValidateAsync(first.Token)).Status, new[] { AccessTokenStatus.UnknownKey, AccessTokenStatus.Expired });
        await context.AccessTokens.IssueAsync(Jane);
        Assert.DoesNotContain(await context.SigningKeys.ListAsync(), k => k.Kid == firstKid);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_first_key_is_created_on_first_use_and_reused(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        Assert.Empty(await context.SigningKeys.ListAsync());
        await context.AccessTokens.IssueAsync(Jane);
        await context.AccessTokens.IssueAsync(Jane with { Kind = PrincipalKind.ServiceAccount });
        var key = Assert.Single(await context.SigningKeys.ListAsync());
        Assert.Equal("ES256", key.Algorithm);
    }

    private static Task<string> Forge(AccessTokenService tokens, string iss, string aud, long iat, long exp) => tokens.SignAsync(w =>
    {
        w.WriteString("iss", iss);
        w.WriteString("aud", aud);
        w.WriteString("sub", "user-1");
        w.WriteString("tid", "tenant-1");
        w.WriteString("kind", "user");
        w.WriteNumber("iat", iat);
        w.WriteNumber("exp", exp);
        w.WriteString("jti", "x");
    });

    private static string SignWith(ECDsa key, string header, string payload) =>
        header + "." + payload + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256));

    private static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static System.Text.Json.JsonElement Json(string part) => System.Text.Json.JsonDocument.Parse(Base64Url.DecodeFromChars(part)).RootElement.Clone();
}
