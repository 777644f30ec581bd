using Atom.Server.Rpc;

namespace Atom.Server.Identity.Authorization;

/// <summary>The authenticated caller of a call, as the authorization interceptor found it.</summary>
public static class CallerContextExtensions
{
    private static readonly object Key = new();

    /// <summary>Gets the caller; throws for an anonymous call (handlers of authenticated methods always have one).</summary>
    /// <param name="context">The call.</param>
    /// <returns>The caller.</returns>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.TryGetCaller() ?? throw new InvalidOperationException($"{context.Method.FullName} has no authenticated caller.");

    /// <summary>Gets the caller, or null for a method anyone may call (their credentials are not looked at).</summary>
    /// <param name="context">The call.</param>
    /// <returns>The caller, or null.</returns>
    public static Caller? TryGetCaller(this ServerCallContext context) => context.Items.TryGetValue(Key, out var caller) ? caller as Caller : null;

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.Items[Key] = caller;
}
