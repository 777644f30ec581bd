using System.Collections.Concurrent;
using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>
/// Who has a live stream in which room, on this node: a user is online in a room while at least one of their streams
/// receives it, so a second tab closing does not report them gone. Changes go out as transient presence events.
/// </summary>
/// <param name="fanout">Where presence events go.</param>
public sealed class PresenceTracker(RoomFanout fanout)
{
    private readonly ConcurrentDictionary<(string Tenant, string Room, string User), int> _streams = new();

    /// <summary>Records one more stream of a user receiving a room; the first one announces them online.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The user.</param>
    public void Arrived(string tenantId, string roomId, string userId)
    {
        if (_streams.AddOrUpdate((tenantId, roomId, userId), 1, (_, n) => n + 1) == 1)
        {
            Announce(tenantId, roomId, userId, online: true);
        }
    }

    /// <summary>Records a stream of a user no longer receiving a room; the last one announces them gone.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The user.</param>
    public void Left(string tenantId, string roomId, string userId)
    {
        var key = (tenantId, roomId, userId);
        if (_streams.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1)) == 0)
        {
            // Removed only if still zero: a stream arriving in between keeps its count.
            _streams.TryRemove(new KeyValuePair<(string, string, string), int>(key, 0));
            Announce(tenantId, roomId, userId, online: false);
        }
    }

    /// <summary>Gets whether a user has a live stream receiving a room on this node.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The user.</param>
    /// <returns>True when online.</returns>
    public bool IsOnline(string tenantId, string roomId, string userId) => _streams.TryGetValue((tenantId, roomId, userId), out var n) && n > 0;

    private void Announce(string tenantId, string roomId, string userId, bool online) =>
        fanout.PublishTransient(tenantId, roomId, new ChatEvent { Presence = new PresenceEvent { UserId = userId, Online = online } });
}
