using Atom.Cli.Profiles;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Calls;

/// <summary>Where the credential of an invocation came from.</summary>
internal enum CredentialOrigin
{
    /// <summary>No credential: calls go out anonymous.</summary>
    None,

    /// <summary>The <c>--token</c> option.</summary>
    Option,

    /// <summary>The <c>ATOM_TOKEN</c> environment variable.</summary>
    Environment,

    /// <summary>The profile stored for the server by <c>atom login</c>.</summary>
    Profile,
}

/// <summary>
/// The channel a command calls through, carrying the invocation's credential: <c>--token</c>, else
/// <c>ATOM_TOKEN</c>, else the profile stored for the server. A stored session is renewed before its access
/// token expires, and a unary call the server turned away with CREDENTIAL_EXPIRED is renewed and made once more
/// (safe to repeat: the server says so when authentication fails, before any handler runs; creates carry a
/// request_id besides). Streaming calls rely on the renewal before the call.
/// </summary>
internal sealed class ServerConnection : CallInvoker, IDisposable
{
    private readonly AtomChannel _channel;
    private readonly ProfileSession? _session;

    private ServerConnection(string server, string? token, CredentialOrigin origin, ProfileSession? session)
    {
        _session = session;
        Origin = origin;
        _channel = AtomChannel.ForAddress(server, new AtomChannelOptions
        {
            Credentials = session is not null
                ? CallCredentials.FromTokenProvider(session.GetAccessTokenAsync)
                : token is null ? null : CallCredentials.FromBearerToken(token),
        });
    }

    /// <summary>Gets where the credential came from.</summary>
    public CredentialOrigin Origin { get; }

    /// <summary>Gets the stored profile in use, as it now is, or null when the credential is not a stored one.</summary>
    public ServerProfile? Profile => _session?.Profile;

    /// <summary>Opens a connection with the invocation's credential.</summary>
    /// <param name="settings">The global options.</param>
    /// <param name="profiles">The stored profiles.</param>
    /// <returns>The connection.</returns>
    public static ServerConnection Open(CliSettings settings, ProfileStore profiles)
    {
        if (settings.Token is { } token)
        {
            return new ServerConnection(settings.Server, token, settings.TokenOrigin, session: null);
        }

        return profiles.Load(settings.Server) is { } profile
            ? ForProfile(settings, profiles, profile)
            : new ServerConnection(settings.Server, token: null, CredentialOrigin.None, session: null);
    }

    /// <summary>Opens a connection with a stored profile, whatever --token and ATOM_TOKEN say.</summary>
    /// <param name="settings">The global options.</param>
    /// <param name="profiles">The stored profiles, where renewed tokens are saved.</param>
    /// <param name="profile">The profile.</param>
    /// <returns>The connection.</returns>
    public static ServerConnection ForProfile(CliSettings settings, ProfileStore profiles, ServerProfile profile) =>
        new(settings.Server, token: null, CredentialOrigin.Profile, new ProfileSession(profiles, profile, settings));

    /// <summary>Opens a connection with a given credential (or none), ignoring the environment and profiles; its origin reads as <see cref="CredentialOrigin.Option"/>.</summary>
    /// <param name="settings">The global options.</param>
    /// <param name="token">The bearer credential, or null to call anonymously.</param>
    /// <returns>The connection.</returns>
    public static ServerConnection WithToken(CliSettings settings, string? token) =>
        new(settings.Server, token, token is null ? CredentialOrigin.None : CredentialOrigin.Option, session: null);

    /// <summary>
    /// Ends the stored session on the server: AuthService.SignOut revokes its refresh token's family. The access
    /// token is renewed first if it is about to expire, since SignOut needs a live one; the refresh token sent is
    /// then the newest.
    /// </summary>
    /// <param name="options">The call's options.</param>
    /// <returns>A task that completes when the server has revoked the session.</returns>
    /// <exception cref="InvalidOperationException">The connection does not use a stored session.</exception>
    public async Task EndSessionAsync(CallOptions options)
    {
        var session = _session is { CanRenew: true } ? _session : throw new InvalidOperationException("No stored session to end.");
        await session.GetAccessTokenAsync(options.CancellationToken).ConfigureAwait(false);
        await new AuthServiceClient(this)
            .SignOutAsync(new SignOutRequest { RefreshToken = session.Profile.RefreshToken }, options)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> Unary<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
    {
        var first = _channel.Unary(method, request, options);
        return _session is { CanRenew: true } session
            ? RenewingOnExpiry(first, () => _channel.Unary(method, request, options), session, options?.CancellationToken ?? default)
            : first;
    }

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null) =>
        _channel.ServerStreaming(method, request, options);

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null) =>
        _channel.ClientStreaming(method, options);

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null) =>
        _channel.DuplexStreaming(method, options);

    /// <inheritdoc />
    public void Dispose()
    {
        _channel.Dispose();
        _session?.Dispose();
    }

    private static AsyncUnaryCall<TResponse> RenewingOnExpiry<TResponse>(AsyncUnaryCall<TResponse> first, Func<AsyncUnaryCall<TResponse>> again, ProfileSession session, CancellationToken cancellationToken)
    {
        var current = first;
        var response = RespondAsync();
        return new AsyncUnaryCall<TResponse>(response, new CallState(
            HeadersAsync(),
            () => current.GetStatus(),
            () => current.GetTrailers(),
            () =>
            {
                first.Dispose();
                if (!ReferenceEquals(current, first))
                {
                    current.Dispose();
                }
            }));

        async Task<TResponse> RespondAsync()
        {
            try
            {
                return await first.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && e.HasReason(ErrorReason.CredentialExpired))
            {
                await session.RenewAsync(session.Profile.Token, cancellationToken).ConfigureAwait(false);
                current = again();
                return await current.ConfigureAwait(false);
            }
        }

        // Which call's headers count is known only once the first call has ended.
        async Task<Metadata> HeadersAsync()
        {
            try
            {
                await response.ConfigureAwait(false);
            }
            catch (RpcException)
            {
            }

            return await current.ResponseHeadersAsync.ConfigureAwait(false);
        }
    }
}
