using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>A token signing key as stored: PKCS#8 private key and SubjectPublicKeyInfo public key, base64.</summary>
/// <param name="Kid">The key id, in the <c>kid</c> header of the tokens it signs.</param>
/// <param name="Algorithm">The JWS algorithm, <c>ES256</c>.</param>
/// <param name="PrivateKey">The private key, PKCS#8 DER, base64.</param>
/// <param name="PublicKey">The public key, SubjectPublicKeyInfo DER, base64.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="RetireAt">When it stopped (or stops) signing, or null while it is current.</param>
public sealed record StoredSigningKey(string Kid, string Algorithm, string PrivateKey, string PublicKey, DateTimeOffset CreatedAt, DateTimeOffset? RetireAt);

/// <summary>The platform's token signing keys (tenant_id '*': only platform work sees them).</summary>
/// <param name="database">The store.</param>
public sealed class SigningKeyStore(AtomDatabase database)
{
    /// <summary>Lists every key, newest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The keys.</returns>
    public Task<IReadOnlyList<StoredSigningKey>> ListAsync(CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync<IReadOnlyList<StoredSigningKey>>(async (c, t) => (await c.QueryAsync<Row>(
                "SELECT kid AS Kid, algorithm AS Algorithm, private_key AS PrivateKey, public_key AS PublicKey, created_at AS CreatedAt, retire_at AS RetireAt " +
                "FROM signing_keys WHERE tenant_id = '*' ORDER BY created_at DESC, kid DESC", transaction: t))
            .Select(r => new StoredSigningKey(r.Kid, r.Algorithm, r.PrivateKey, r.PublicKey, Time(r.CreatedAt), Time(r.RetireAt))).ToList(), cancellationToken);

    /// <summary>Adds a new current key and retires every other current key at the same moment.</summary>
    /// <param name="key">The new key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task AddCurrentAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.AsPlatformAsync(async (c, t) =>
        {
            await c.ExecuteAsync("UPDATE signing_keys SET retire_at = @at WHERE tenant_id = '*' AND retire_at IS NULL", new { at = Ms(key.CreatedAt) }, t);
            return await c.ExecuteAsync(
                "INSERT INTO signing_keys (kid, tenant_id, algorithm, private_key, public_key, created_at) VALUES (@Kid, '*', @Algorithm, @PrivateKey, @PublicKey, @createdAt)",
                new { key.Kid, key.Algorithm, key.PrivateKey, key.PublicKey, createdAt = Ms(key.CreatedAt) }, t);
        }, cancellationToken);
    }

    /// <summary>Deletes keys retired before <paramref name="before"/>: no token they signed can still be valid.</summary>
    /// <param name="before">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of keys deleted.</returns>
    public Task<int> DeleteRetiredBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "DELETE FROM signing_keys WHERE tenant_id = '*' AND retire_at IS NOT NULL AND retire_at < @before", new { before = Ms(before) }, t), cancellationToken);

    private sealed class Row
    {
        public string Kid { get; set; } = string.Empty;

        public string Algorithm { get; set; } = string.Empty;

        public string PrivateKey { get; set; } = string.Empty;

        public string PublicKey { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? RetireAt { get; set; }
    }
}
