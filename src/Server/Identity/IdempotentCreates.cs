using System.Data.Common;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.Server.Storage;
using Google.Protobuf;

namespace Atom.Server.Identity;

/// <summary>
/// Runs a create at most once per (caller, request_id, method): the effect and the remembered reply commit in
/// one transaction, so a retry after a lost reply gets the first reply, never a second resource.
/// </summary>
/// <remarks>Every create RPC with a <c>request_id</c> field runs through this.</remarks>
/// <param name="database">The store.</param>
/// <param name="replies">The remembered replies.</param>
public sealed class IdempotentCreates(AtomDatabase database, IdempotencyStore replies)
{
    /// <summary>Runs <paramref name="create"/> in the caller's tenant, or replays the reply to an earlier run.</summary>
    /// <typeparam name="TReply">The reply message.</typeparam>
    /// <param name="context">The call (caller and method name).</param>
    /// <param name="requestId">The client's request_id; empty runs the create without remembering it.</param>
    /// <param name="create">The create, inside the transaction.</param>
    /// <param name="remember">What of the reply to remember; by default all of it (a reply carrying a secret remembers less).</param>
    /// <param name="asPlatform">Whether the create writes outside the caller's tenant (tenants themselves).</param>
    /// <returns>The reply, and whether it is a replay.</returns>
    public async Task<(TReply Reply, bool Replayed)> RunAsync<TReply>(
        ServerCallContext context,
        string requestId,
        Func<DbConnection, DbTransaction, Task<TReply>> create,
        Func<TReply, TReply>? remember = null,
        bool asPlatform = false)
        where TReply : IMessage<TReply>, new()
    {
        var caller = context.GetCaller();
        requestId = RequestRules.RequestId(requestId);
        var method = context.Method.FullName;

        Task<(TReply, bool)> Work(DbConnection c, DbTransaction t) => requestId.Length == 0
            ? RunOnceAsync(c, t)
            : RunRememberedAsync(c, t);

        async Task<(TReply, bool)> RunOnceAsync(DbConnection c, DbTransaction t) => (await create(c, t), false);

        async Task<(TReply, bool)> RunRememberedAsync(DbConnection c, DbTransaction t)
        {
            if (await replies.ClaimAsync(c, t, caller.TenantId, caller.PrincipalId, requestId, method) is { } earlier)
            {
                var replayed = new TReply();
                replayed.MergeFrom(earlier);
                return (replayed, true);
            }

            var reply = await create(c, t);
            await IdempotencyStore.CompleteAsync(c, t, caller.TenantId, caller.PrincipalId, requestId, method, (remember is null ? reply : remember(reply.Clone())).ToByteArray());
            return (reply, false);
        }

        return asPlatform
            ? await database.AsPlatformAsync(Work, context.CancellationToken)
            : await database.InTenantAsync(caller.TenantId, Work, context.CancellationToken);
    }
}
