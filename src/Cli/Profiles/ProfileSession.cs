using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Profiles;

/// <summary>
/// A stored session in use: hands calls its access token, renewing it with the refresh token shortly before it
/// expires or when the server says it has, and saves every renewed pair at once (the old refresh token is spent).
/// </summary>
/// <param name="store">Where the profile lives.</param>
/// <param name="profile">The profile as loaded.</param>
/// <param name="settings">The server and the deadline of the refresh call.</param>
internal sealed class ProfileSession(ProfileStore store, ServerProfile profile, CliSettings settings) : IDisposable
{
    // Renewing a little early keeps a token from expiring between being sent and being checked.
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerProfile _profile = profile;
    private RpcException? _renewalFailure;

    /// <summary>Gets the profile as it now is (after any renewal).</summary>
    public ServerProfile Profile => _profile;

    /// <summary>Gets a value indicating whether the session can be renewed.</summary>
    public bool CanRenew => _profile.RefreshToken is not null;

    /// <summary>Gets the access token to send, renewed first when it is about to expire.</summary>
    /// <param name="cancellationToken">Cancels the renewal.</param>
    /// <returns>The access token.</returns>
    public async ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = _profile;
        if (CanRenew && NearExpiry(current))
        {
            await RenewAsync(current.Token, cancellationToken).ConfigureAwait(false);
        }

        return _profile.Token;
    }

    /// <summary>Renews the session after <paramref name="rejected"/> turned out expired; a no-op when someone else already has.</summary>
    /// <param name="rejected">The access token that is no good.</param>
    /// <param name="cancellationToken">Cancels the renewal.</param>
    /// <returns>A task that completes when the profile holds a new access token.</returns>
    /// <exception cref="RpcException">The server refused the refresh token: the session is over.</exception>
    public async Task RenewAsync(string rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_profile.Token != rejected)
            {
                return;
            }

            // A refresh token the server refused stays refused: asking again would only repeat the answer.
            if (_renewalFailure is not null)
            {
                throw _renewalFailure;
            }

            using var held = await store.LockAsync(_profile.Server, cancellationToken).ConfigureAwait(false);

            // Another atom process may have renewed while this one waited for the lock: its tokens are the current ones.
            var stored = store.Load(_profile.Server)
                ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"signed out of {_profile.Server} meanwhile: run 'atom login' again."));
            if (stored.Token != rejected && !NearExpiry(stored))
            {
                _profile = stored;
                return;
            }

            var refreshToken = stored.RefreshToken
                ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"the access token stored for {stored.Server} has expired and cannot be renewed: run 'atom login' again."));
            var tokens = await RefreshAsync(stored.Server, refreshToken, cancellationToken).ConfigureAwait(false);
            _profile = stored with
            {
                Token = tokens.AccessToken,
                TokenExpireTime = tokens.AccessTokenExpireTime?.ToDateTimeOffset(),
                RefreshToken = tokens.RefreshToken,
                RefreshTokenExpireTime = tokens.RefreshTokenExpireTime?.ToDateTimeOffset(),
                UpdateTime = DateTimeOffset.UtcNow,
            };
            store.Save(_profile);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TokenSet> RefreshAsync(string server, string refreshToken, CancellationToken cancellationToken)
    {
        // A channel of its own, without credentials: the session's credentials would ask for a renewal inside the renewal.
        using var channel = AtomChannel.ForAddress(settings.Server);
        try
        {
            var response = await new AuthServiceClient(channel)
                .RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = refreshToken }, settings.CallOptions(cancellationToken))
                .ConfigureAwait(false);
            return response.Tokens ?? throw new RpcException(new Status(StatusCode.Internal, "RefreshToken answered without tokens."));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            // The details (ErrorInfo: expired, revoked, replayed) still print, and with them the hint to sign in again.
            _renewalFailure = new RpcException(new Status(e.StatusCode, $"the sign-in stored for {server} has ended: {e.Status.Detail}"), e.Trailers);
            throw _renewalFailure;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private static bool NearExpiry(ServerProfile profile) =>
        profile.TokenExpireTime is { } expires && DateTimeOffset.UtcNow + RenewalMargin >= expires;
}
