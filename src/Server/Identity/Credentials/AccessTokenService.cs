using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atom.Server.Identity.Stores;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity.Credentials;

/// <summary>Who an access token speaks for.</summary>
/// <param name="Subject">The user or service account id (<c>sub</c>).</param>
/// <param name="TenantId">The tenant (<c>tid</c>).</param>
/// <param name="Kind">The kind of principal (<c>kind</c>: <c>user</c> or <c>service_account</c>).</param>
public sealed record AccessTokenSubject(string Subject, string TenantId, PrincipalKind Kind);

/// <summary>An issued access token.</summary>
/// <param name="Token">The compact JWS, for the <c>authorization: Bearer</c> header.</param>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
public sealed record IssuedAccessToken(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>The claims of a valid access token.</summary>
/// <param name="Subject">The principal id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Kind">The kind of principal.</param>
/// <param name="TokenId">The <c>jti</c>.</param>
/// <param name="IssuedAt">The <c>iat</c>.</param>
/// <param name="ExpiresAt">The <c>exp</c>.</param>
/// <param name="KeyId">The <c>kid</c> of the key that signed it.</param>
public sealed record AccessTokenClaims(string Subject, string TenantId, PrincipalKind Kind, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string KeyId);

/// <summary>The outcome of validating an access token; every failure is its own value.</summary>
public enum AccessTokenStatus
{
    /// <summary>The token is valid; <see cref="AccessTokenValidation.Claims"/> is set.</summary>
    Valid,

    /// <summary>Not a compact JWS with the header and claims Atom issues (including any algorithm but ES256).</summary>
    Malformed,

    /// <summary>The <c>kid</c> names no key this server has (or has had within a token lifetime).</summary>
    UnknownKey,

    /// <summary>The signature does not verify: the token was altered or signed by someone else.</summary>
    BadSignature,

    /// <summary>The <c>iss</c> is not this server's issuer.</summary>
    WrongIssuer,

    /// <summary>The <c>aud</c> is not this server's audience.</summary>
    WrongAudience,

    /// <summary>The token expired (beyond the clock skew).</summary>
    Expired,

    /// <summary>The token was issued in the future (beyond the clock skew).</summary>
    NotYetValid,
}

/// <summary>The result of <see cref="AccessTokenService.ValidateAsync"/>.</summary>
/// <param name="Status">Valid, or why not.</param>
/// <param name="Claims">The claims when valid.</param>
public sealed record AccessTokenValidation(AccessTokenStatus Status, AccessTokenClaims? Claims = null)
{
    /// <summary>Gets a value indicating whether the token is valid.</summary>
    public bool IsValid => Status == AccessTokenStatus.Valid;
}

/// <summary>
/// Issues and validates short-lived access tokens: JWTs signed with ES256 (ECDSA P-256, SHA-256) in compact
/// JWS form, with claims <c>iss</c>, <c>aud</c>, <c>sub</c>, <c>tid</c>, <c>kind</c>, <c>iat</c>, <c>exp</c>,
/// <c>jti</c> and the signing key's <c>kid</c> in the header. Roles are deliberately not claims: they are read
/// from the store per call, so a role change or a disabled user takes effect at once.
/// Keys live in <c>signing_keys</c>: made on first use, replaced when older than
/// <see cref="IdentityOptions.SigningKeyRotation"/>; a replaced key keeps validating until every token it
/// signed has expired. Bad input never throws: it yields an <see cref="AccessTokenStatus"/>.
/// </summary>
public sealed class AccessTokenService : IDisposable
{
    private const string Algorithm = "ES256";
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(10);

    private readonly SigningKeyStore _store;
    private readonly TimeProvider _time;
    private readonly IdentityOptions _options;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile KeyRing _ring = KeyRing.Empty;

    /// <summary>Initializes a new instance of the <see cref="AccessTokenService"/> class.</summary>
    /// <param name="store">The signing keys.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Lifetimes and issuer.</param>
    public AccessTokenService(SigningKeyStore store, TimeProvider time, IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _options = options.Value;
    }

    /// <summary>Issues a token for a principal, valid for <see cref="IdentityOptions.AccessTokenLifetime"/>.</summary>
    /// <param name="subject">The principal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    public async Task<IssuedAccessToken> IssueAsync(AccessTokenSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var now = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + _options.AccessTokenLifetime;
        var jti = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var payload = Json(w =>
        {
            w.WriteString("iss", _options.Issuer);
            w.WriteString("aud", _options.Issuer);
            w.WriteString("sub", subject.Subject);
            w.WriteString("tid", subject.TenantId);
            w.WriteString("kind", subject.Kind == PrincipalKind.User ? "user" : "service_account");
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteNumber("exp", expires.ToUnixTimeSeconds());
            w.WriteString("jti", jti);
        });
        var key = await CurrentKeyAsync(cancellationToken);
        return new IssuedAccessToken(Sign(key, payload), jti, expires);
    }

    /// <summary>Validates a token: shape, key, signature, issuer, audience and time, in that order.</summary>
    /// <param name="token">The compact JWS (without the <c>Bearer</c> scheme).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claims, or the precise reason the token is refused.</returns>
    public async Task<AccessTokenValidation> ValidateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!TryParse(token, out var kid, out var signed, out var signature, out var claims))
        {
            return new AccessTokenValidation(AccessTokenStatus.Malformed);
        }

        var key = await ValidationKeyAsync(kid, cancellationToken);
        if (key is null)
        {
            return new AccessTokenValidation(AccessTokenStatus.UnknownKey);
        }

        if (!key.Public.VerifyData(Encoding.ASCII.GetBytes(signed), signature, HashAlgorithmName.SHA256))
        {
            return new AccessTokenValidation(AccessTokenStatus.BadSignature);
        }

        if (claims.Issuer != _options.Issuer)
        {
            return new AccessTokenValidation(AccessTokenStatus.WrongIssuer);
        }

        if (claims.Audience != _options.Issuer)
        {
            return new AccessTokenValidation(AccessTokenStatus.WrongAudience);
        }

        var now = _time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.Expires);
        var issued = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt);
        if (now > expires + _options.ClockSkew)
        {
            return new AccessTokenValidation(AccessTokenStatus.Expired);
        }

        if (issued > now + _options.ClockSkew)
        {
            return new AccessTokenValidation(AccessTokenStatus.NotYetValid);
        }

        return new AccessTokenValidation(AccessTokenStatus.Valid, new AccessTokenClaims(
            claims.Subject, claims.TenantId, claims.Kind, claims.TokenId, issued, expires, kid));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _lock.Dispose();
        _ring.Dispose();
    }

    /// <summary>Signs an arbitrary claims object with the current key (tests forge tokens with wrong claims this way).</summary>
    internal async Task<string> SignAsync(Action<Utf8JsonWriter> claims, CancellationToken cancellationToken = default) =>
        Sign(await CurrentKeyAsync(cancellationToken), Json(claims));

    /// <summary>The compact JWS of a payload: base64url(header) . base64url(payload) . base64url(r || s).</summary>
    internal static string Sign(SigningKey key, byte[] payload)
    {
        var header = Json(w =>
        {
            w.WriteString("alg", Algorithm);
            w.WriteString("typ", "JWT");
            w.WriteString("kid", key.Kid);
        });
        var signed = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);

        // .NET's default signature format for ECDsa is IEEE P1363 (r || s, 64 bytes), exactly what JWS wants (RFC 7518 §3.4).
        var signature = key.Private!.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return signed + "." + Base64Url.EncodeToString(signature);
    }

    private async Task<SigningKey> CurrentKeyAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var current = _ring.Current;
        if (current is not null && now - current.CreatedAt < _options.SigningKeyRotation)
        {
            return current;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            // Another node may have rotated already: look in the store before making a key.
            await ReloadAsync(cancellationToken);
            current = _ring.Current;
            if (current is not null && now - current.CreatedAt < _options.SigningKeyRotation)
            {
                return current;
            }

            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var stored = new StoredSigningKey(
                Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)), Algorithm,
                Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey()), Convert.ToBase64String(ecdsa.ExportSubjectPublicKeyInfo()),
                DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), null);
            await _store.AddCurrentAsync(stored, cancellationToken);

            // Keys that retired more than a token lifetime ago can no longer validate anything.
            await _store.DeleteRetiredBeforeAsync(now - _options.AccessTokenLifetime - _options.ClockSkew - TimeSpan.FromMinutes(1), cancellationToken);
            await ReloadAsync(cancellationToken);
            return _ring.Current!;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<SigningKey?> ValidationKeyAsync(string kid, CancellationToken cancellationToken)
    {
        var key = _ring.Find(kid);
        if (key is null && _time.GetUtcNow() - _ring.LoadedAt > ReloadInterval)
        {
            // A key made by another node since the last load; reloads are rate-limited so garbage kids cost nothing.
            await _lock.WaitAsync(cancellationToken);
            try
            {
                await ReloadAsync(cancellationToken);
            }
            finally
            {
                _lock.Release();
            }

            key = _ring.Find(kid);
        }

        if (key?.RetireAt is { } retired && _time.GetUtcNow() > retired + _options.AccessTokenLifetime + _options.ClockSkew)
        {
            return null;
        }

        return key;
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(cancellationToken);

        // The old ring is not disposed: calls validating right now may still hold its keys; the GC collects them.
        _ring = new KeyRing(stored.Where(k => k.Algorithm == Algorithm).Select(SigningKey.Load).ToList(), _time.GetUtcNow());
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryParse(string? token, out string kid, out string signed, out byte[] signature, out ParsedClaims claims)
    {
        kid = signed = string.Empty;
        signature = [];
        claims = default;
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || !Base64Url.IsValid(parts[0]) || !Base64Url.IsValid(parts[1]) || !Base64Url.IsValid(parts[2]))
        {
            return false;
        }

        signature = Base64Url.DecodeFromChars(parts[2]);
        if (signature.Length != 64)
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != Algorithm
                || !header.RootElement.TryGetProperty("kid", out var kidElement) || kidElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            kid = kidElement.GetString()!;
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryString(root, "iss", out var iss) || !TryString(root, "aud", out var aud) || !TryString(root, "sub", out var sub)
                || !TryString(root, "tid", out var tid) || !TryString(root, "kind", out var kind) || !TryString(root, "jti", out var jti)
                || !root.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issuedAt)
                || !root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires)
                || kind is not ("user" or "service_account")
                || issuedAt is < 0 or > 253402300799 || expires is < 0 or > 253402300799)
            {
                return false;
            }

            claims = new ParsedClaims(iss, aud, sub, tid, kind == "user" ? PrincipalKind.User : PrincipalKind.ServiceAccount, jti, issuedAt, expires);
        }
        catch (JsonException)
        {
            return false;
        }

        signed = parts[0] + "." + parts[1];
        return true;
    }

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString()!;
        return true;
    }

    private readonly record struct ParsedClaims(string Issuer, string Audience, string Subject, string TenantId, PrincipalKind Kind, string TokenId, long IssuedAt, long Expires);

    /// <summary>A loaded key: the private half only for keys that may still sign.</summary>
    internal sealed class SigningKey(string kid, ECDsa? privateKey, ECDsa publicKey, DateTimeOffset createdAt, DateTimeOffset? retireAt) : IDisposable
    {
        public string Kid { get; } = kid;

        public ECDsa? Private { get; } = privateKey;

        public ECDsa Public { get; } = publicKey;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset? RetireAt { get; } = retireAt;

        public static SigningKey Load(StoredSigningKey stored)
        {
            ECDsa? privateKey = null;
            if (stored.RetireAt is null)
            {
                privateKey = ECDsa.Create();
                privateKey.ImportPkcs8PrivateKey(Convert.FromBase64String(stored.PrivateKey), out _);
            }

            var publicKey = ECDsa.Create();
            publicKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(stored.PublicKey), out _);
            return new SigningKey(stored.Kid, privateKey, publicKey, stored.CreatedAt, stored.RetireAt);
        }

        public void Dispose()
        {
            Private?.Dispose();
            Public.Dispose();
        }
    }

    private sealed class KeyRing(IReadOnlyList<SigningKey> keys, DateTimeOffset loadedAt) : IDisposable
    {
        public static KeyRing Empty { get; } = new([], DateTimeOffset.MinValue);

        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public SigningKey? Current { get; } = keys.FirstOrDefault(k => k.RetireAt is null);

        public SigningKey? Find(string kid) => keys.FirstOrDefault(k => k.Kid == kid);

        public void Dispose()
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }
}
