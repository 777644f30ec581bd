namespace Atom.Sdk;

/// <summary>Adds authentication metadata to calls, e.g. a bearer token.</summary>
public abstract class CallCredentials
{
    /// <summary>Adds this credential's metadata to a call's headers.</summary>
    /// <param name="method">The method being called.</param>
    /// <param name="headers">The call's headers, to add to.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>A task that completes when the metadata is added.</returns>
    public abstract ValueTask ApplyAsync(IMethod method, Metadata headers, CancellationToken cancellationToken);

    /// <summary>Credentials that send <c>authorization: Bearer TOKEN</c>; none when the token is empty.</summary>
    /// <param name="token">The access token or API key.</param>
    /// <returns>The credentials.</returns>
    public static CallCredentials FromBearerToken(string? token) => new TokenCredentials(_ => ValueTask.FromResult(token));

    /// <summary>Credentials that ask <paramref name="provider"/> for a bearer token on every call (for tokens that rotate).</summary>
    /// <param name="provider">Returns the current token, or null for none.</param>
    /// <returns>The credentials.</returns>
    public static CallCredentials FromTokenProvider(Func<CancellationToken, ValueTask<string?>> provider) => new TokenCredentials(provider);

    private sealed class TokenCredentials(Func<CancellationToken, ValueTask<string?>> provider) : CallCredentials
    {
        public override async ValueTask ApplyAsync(IMethod method, Metadata headers, CancellationToken cancellationToken)
        {
            var token = await provider(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(token))
            {
                headers.Add("authorization", "Bearer " + token);
            }
        }
    }
}
