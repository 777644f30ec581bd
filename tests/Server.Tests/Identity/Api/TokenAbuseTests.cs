using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Atom.Sdk;
using Atom.V1;
using static Atom.Server.Tests.Identity.Api.IdentityCalls;
using static Atom.Server.Tests.Identity.Api.Refusals;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// Credentials that are forged, tampered with, foreign, expired, revoked or of a disabled account are refused on
/// every face with UNAUTHENTICATED, the precise ErrorInfo reason and a message that says what is wrong.
/// </summary>
public sealed class TokenAbuseTests(TokenAbuseServers servers) : IClassFixture<TokenAbuseServers>
{
    private const string NotAToken = "The credential is neither an Atom access token nor an API key.";
    private const string BadSignature = "The access token's signature does not verify.";

    public static TheoryData<Face> Faces => [.. Enum.GetValues<Face>()];

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_token_whose_payload_was_changed_is_invalid(Face face)
    {
        var token = servers.OwnerToken;

        // Control: the token as issued works.
        Assert.Equal(servers.Owner.Id, (await IdentityOf(face, token)).Id);

        // One character flipped: '{"iss"' becomes '{"iws"', and the token no longer has the shape of Atom's.
        await RefusedAsync(face, Flip(token, part: 1, index: 4), "CREDENTIAL_INVALID", NotAToken, "the payload with a character flipped");

        // Claims rewritten to be the platform administrator, well-formed and re-encoded: only the signature gives it away.
        var escalated = WithClaims(token, claims =>
        {
            claims["sub"] = servers.Admin.Id;
            claims["tid"] = servers.Admin.TenantId;
        });
        await RefusedAsync(face, escalated, "CREDENTIAL_INVALID", BadSignature, "the payload rewritten to the platform administrator");

        // The lifetime stretched by a day.
        var stretched = WithClaims(token, claims => claims["exp"] = (long)claims["exp"]! + 86_400);
        await RefusedAsync(face, stretched, "CREDENTIAL_INVALID", BadSignature, "the payload with a later expiry");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_token_whose_header_or_signature_was_changed_is_invalid(Face face)
    {
        var token = servers.OwnerToken;

        await RefusedAsync(face, Flip(token, part: 2, index: 10), "CREDENTIAL_INVALID", BadSignature, "the signature with a character flipped");
        await RefusedAsync(face, token[..token.LastIndexOf('.')] + "." + Base64Url.EncodeToString(new byte[64]), "CREDENTIAL_INVALID", BadSignature, "a signature of zeros");
        await RefusedAsync(face, token[..^4], "CREDENTIAL_INVALID", NotAToken, "the signature cut short");
        await RefusedAsync(face, token[..(token.LastIndexOf('.') + 1)], "CREDENTIAL_INVALID", NotAToken, "no signature");

        // The classic downgrades: "none", and HS256 (which would let anyone who knows the public key sign).
        var none = WithHeader(token, h => h["alg"] = "none");
        await RefusedAsync(face, none[..(none.LastIndexOf('.') + 1)], "CREDENTIAL_INVALID", NotAToken, "alg none without a signature");
        await RefusedAsync(face, WithHeader(token, h => h["alg"] = "HS256"), "CREDENTIAL_INVALID", NotAToken, "alg HS256");
        await RefusedAsync(face, WithHeader(token, h => h["kid"] = "no-such-key"), "CREDENTIAL_INVALID",
            "The access token was signed with a key this server does not know.", "a kid this server never had");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_token_from_another_server_is_signed_with_a_key_this_one_does_not_know(Face face) =>
        await RefusedAsync(face, servers.ElsewhereToken, "CREDENTIAL_INVALID", "The access token was signed with a key this server does not know.", "a token of another server");

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_token_for_another_issuer_is_refused_even_with_the_right_key(Face face)
    {
        const string message = "The access token was issued for another server.";

        // Same store, same signing key, same user: only iss and aud differ, either way round.
        await RefusedAsync(face, servers.OtherIssuerToken, "CREDENTIAL_INVALID", message, "a token with issuer 'other'");
        await RefusedAsync(face, servers.OwnerToken, "CREDENTIAL_INVALID", message, "a token with issuer 'atom' at the server whose issuer is 'other'", servers.OtherIssuer);
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task An_expired_token_is_refused_as_expired(Face face)
    {
        // The one wait in these tests: until the one-second token is past its (whole-second) expiry, with no skew allowed.
        var wait = servers.ShortLivedTokenExpiry + TimeSpan.FromSeconds(1.1) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await RefusedAsync(face, servers.ShortLivedToken, "CREDENTIAL_EXPIRED", "The access token expired: refresh it, or sign in again.", "an expired token", servers.ShortLived);
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_revoked_api_key_is_refused_as_revoked(Face face)
    {
        using var owner = FaceClient.Bearer(servers.Main, face, servers.OwnerToken);
        var created = await owner.CallAsync(CreateApiKey($"revoked over {face}"));
        var before = await IdentityOf(face, created.Secret);

        await owner.CallAsync(RevokeApiKey(created.ApiKey.Id));

        Assert.Equal((servers.Owner.Id, "api_key"), (before.Id, before.AuthenticatedBy));
        await RefusedAsync(face, created.Secret, "CREDENTIAL_REVOKED", "The API key was revoked.", "a revoked API key");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_disabled_users_unexpired_token_and_keys_are_refused(Face face)
    {
        var email = $"leaver-{face}@initech.example".ToLowerInvariant();
        using var owner = FaceClient.Bearer(servers.Main, face, servers.OwnerToken);
        var user = (await owner.CallAsync(CreateUser(email))).User;
        var token = (await servers.Main.Auth().SignInAsync(new SignInRequest { Tenant = servers.Tenant.Name, Email = email, Password = IdentityApiServer.Password })).Tokens.AccessToken;
        using var leaver = FaceClient.Bearer(servers.Main, face, token);
        var key = (await leaver.CallAsync(CreateApiKey("leaver's key"))).Secret;
        Assert.Equal(user.Id, (await IdentityOf(face, token)).Id);
        Assert.Equal(user.Id, (await IdentityOf(face, key)).Id);

        await owner.CallAsync(DisableUser(user.Id));

        await RefusedAsync(face, token, "ACCOUNT_DISABLED", "The user is disabled.", "a disabled user's unexpired access token");
        await RefusedAsync(face, key, "ACCOUNT_DISABLED", "The API key's user or service account is disabled.", "a disabled user's API key");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task A_disabled_service_accounts_key_is_refused(Face face)
    {
        using var owner = FaceClient.Bearer(servers.Main, face, servers.OwnerToken);
        var account = (await owner.CallAsync(CreateServiceAccount($"robot-{face}".ToLowerInvariant()))).ServiceAccount;
        var key = (await owner.CallAsync(CreateApiKey("robot's key", account.Id))).Secret;
        Assert.Equal(account.Id, (await IdentityOf(face, key)).Id);

        await owner.CallAsync(DisableServiceAccount(account.Id));

        await RefusedAsync(face, key, "ACCOUNT_DISABLED", "The API key's user or service account is disabled.", "a disabled service account's API key");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task Garbage_after_bearer_is_an_invalid_credential(Face face)
    {
        using var owner = FaceClient.Bearer(servers.Main, face, servers.OwnerToken);
        var secret = (await owner.CallAsync(CreateApiKey($"to be altered over {face}"))).Secret;

        await RefusedAsync(face, "garbage", "CREDENTIAL_INVALID", NotAToken, "'Bearer garbage'");
        await RefusedAsync(face, "a.b.c", "CREDENTIAL_INVALID", NotAToken, "three dotted segments");
        await RefusedAsync(face, "atom_garbage", "CREDENTIAL_INVALID", "The API key is malformed.", "'Bearer atom_garbage'");
        await RefusedAsync(face, Flip(secret, part: 0, index: secret.Length - 10), "CREDENTIAL_INVALID", "The API key is not known.", "an API key with a character of its secret changed");
        await RefusedAsync(face, new string('x', 10_000), "CREDENTIAL_INVALID", NotAToken, "10,000 characters");
    }

    [Theory]
    [MemberData(nameof(Faces))]
    public async Task No_bearer_credential_is_unauthenticated(Face face)
    {
        await RefusedHeaderAsync(face, null, "No credentials: send 'authorization: Bearer <access token or API key>'.", "no authorization header");
        foreach (var header in new[] { "Basic b3duZXI6cGFzc3dvcmQ=", "Bearer", "Token " + servers.OwnerToken, servers.OwnerToken })
        {
            await RefusedHeaderAsync(face, header, "The authorization header must be 'Bearer <access token or API key>'.", $"'authorization: {header[..Math.Min(20, header.Length)]}...'");
        }
    }

    private async Task<Principal> IdentityOf(Face face, string credential)
    {
        using var client = FaceClient.Bearer(servers.Main, face, credential);
        return (await client.CallAsync(GetCurrentIdentity())).Principal;
    }

    /// <summary>Asserts that <paramref name="credential"/> is refused by a call that needs credentials, and by one that needs a permission too.</summary>
    private async Task RefusedAsync(Face face, string credential, string reason, string message, string what, IdentityApiServer? server = null)
    {
        using var client = FaceClient.Bearer(server ?? servers.Main, face, credential);
        foreach (var failure in new[]
        {
            await FailsAsync(client.CallAsync(GetCurrentIdentity()), StatusCode.Unauthenticated, reason, $"{face}: {what} (GetCurrentIdentity)"),
            await FailsAsync(client.CallAsync(ListUsers()), StatusCode.Unauthenticated, reason, $"{face}: {what} (ListUsers)"),
        })
        {
            Assert.Equal(message, failure.Detail);
        }
    }

    private async Task RefusedHeaderAsync(Face face, string? header, string message, string what)
    {
        using var client = FaceClient.WithAuthorization(servers.Main, face, header);
        var failure = await FailsAsync(client.CallAsync(GetCurrentIdentity()), StatusCode.Unauthenticated, "UNAUTHENTICATED", $"{face}: {what}");
        Assert.Equal(message, failure.Detail);
    }

    /// <summary>The token with one character of one dot-separated part replaced by another of the base64url alphabet.</summary>
    private static string Flip(string token, int part, int index)
    {
        var parts = token.Split('.');
        var chars = parts[part].ToCharArray();
        chars[index] = chars[index] == 'c' ? 'd' : chars[index] == 'A' ? 'B' : 'A';
        if (parts[part] == token)
        {
            return new string(chars);
        }

        parts[part] = new string(chars);
        return string.Join('.', parts);
    }

    private static string WithClaims(string token, Action<JsonObject> change) => Rewrite(token, 1, change);

    private static string WithHeader(string token, Action<JsonObject> change) => Rewrite(token, 0, change);

    /// <summary>The token with one JSON part decoded, changed, and encoded again; the signature is kept.</summary>
    private static string Rewrite(string token, int part, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var json = JsonNode.Parse(Base64Url.DecodeFromChars(parts[part]))!.AsObject();
        change(json);
        parts[part] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
        return string.Join('.', parts);
    }
}
