using System.Net;
using Atom.Sdk;
using Google.Protobuf;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>Assertions about calls that must fail, the same for every face, with messages that say which call on which face did what.</summary>
public static class Refusals
{
    /// <summary>Asserts that <paramref name="call"/> fails with <paramref name="code"/> and the ErrorInfo <paramref name="reason"/> (and, over REST, the matching HTTP status).</summary>
    /// <returns>The failure, for further checks.</returns>
    public static async Task<FaceCallException> FailsAsync<TResponse>(Task<TResponse> call, StatusCode code, string reason, string because)
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(call);
        TResponse response;
        try
        {
            response = await call;
        }
        catch (FaceCallException failure)
        {
            if (failure.StatusCode != code || failure.Reason != reason)
            {
                Assert.Fail($"{because}: expected {code} with reason {reason}, but {failure.Message}. Everything the caller got: {failure.Everything}");
            }

            if (failure.Face == Face.Rest && failure.HttpStatus != HttpStatusOf(code))
            {
                Assert.Fail($"{because}: expected HTTP {(int)HttpStatusOf(code)} for {code} over REST, got {(int?)failure.HttpStatus}. {failure.Everything}");
            }

            return failure;
        }

        Assert.Fail($"{because}: expected {code} ({reason}), but the call succeeded and returned {response}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Asserts NOT_FOUND (REST 404).</summary>
    public static Task<FaceCallException> NotFoundAsync<TResponse>(Task<TResponse> call, string because)
        where TResponse : IMessage => FailsAsync(call, StatusCode.NotFound, "NOT_FOUND", because);

    /// <summary>Asserts PERMISSION_DENIED (REST 403).</summary>
    public static Task<FaceCallException> DeniedAsync<TResponse>(Task<TResponse> call, string because)
        where TResponse : IMessage => FailsAsync(call, StatusCode.PermissionDenied, "PERMISSION_DENIED", because);

    /// <summary>Asserts INVALID_ARGUMENT (REST 400) with a BadRequest naming <paramref name="field"/>, also in the message.</summary>
    public static async Task<FaceCallException> InvalidFieldAsync<TResponse>(Task<TResponse> call, string field, string because)
        where TResponse : IMessage
    {
        var failure = await FailsAsync(call, StatusCode.InvalidArgument, "FIELD_INVALID", because);
        Assert.True(failure.Fields.SequenceEqual([field]), $"{because}: the BadRequest should name {field}, it names [{string.Join(", ", failure.Fields)}]");
        Assert.True(failure.Detail.StartsWith(field + ": ", StringComparison.Ordinal), $"{because}: the message should start with the field: {failure.Detail}");
        return failure;
    }

    /// <summary>
    /// Asserts that a call about <paramref name="foreignId"/> (another tenant's, or otherwise out of reach) fails
    /// exactly as the same call about an id that never existed: NOT_FOUND, the same message and details but for
    /// the id, and none of <paramref name="secrets"/> anywhere in what the caller is told. No existence oracle.
    /// </summary>
    public static async Task<FaceCallException> LikeMissingAsync<TResponse>(Func<string, Task<TResponse>> call, string foreignId, string because, IEnumerable<string> secrets)
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(call);
        var missingId = NeverIssuedId();
        var foreign = await NotFoundAsync(call(foreignId), $"{because} [id {foreignId}]");
        var missing = await NotFoundAsync(call(missingId), $"{because} [control: the never-issued id {missingId}]");

        Assert.True(foreign.Detail.Contains(foreignId, StringComparison.Ordinal), $"{because}: the message should name the id asked for: {foreign.Detail}");
        Assert.Equal(missing.Everything.Replace(missingId, "{id}", StringComparison.Ordinal), foreign.Everything.Replace(foreignId, "{id}", StringComparison.Ordinal));
        foreach (var secret in secrets.Where(s => s.Length > 0 && s != foreignId))
        {
            Assert.False(foreign.Everything.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{because}: the error leaks '{secret}': {foreign.Everything}");
        }

        return foreign;
    }

    /// <summary>An id of the shape the server issues (a version-7 UUID without dashes) that it never issued.</summary>
    public static string NeverIssuedId() => Guid.CreateVersion7().ToString("N");

    /// <summary>The HTTP status google.api transcoding gives a gRPC code (the few these tests meet).</summary>
    public static HttpStatusCode HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition => HttpStatusCode.BadRequest,
        StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
        StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
        StatusCode.NotFound => HttpStatusCode.NotFound,
        StatusCode.AlreadyExists => HttpStatusCode.Conflict,
        _ => HttpStatusCode.InternalServerError,
    };
}
