using Microsoft.Extensions.Logging;

namespace Atom.Server.Chat.Backplane;

internal sealed partial class PostgresRoomListener
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Listening on PostgreSQL channel {Channel} for other nodes' room events as node {NodeId}")]
        public static partial void Listening(ILogger logger, string channel, string nodeId);

        [LoggerMessage(2, LogLevel.Warning, "Lost the backplane's LISTEN connection; reconnecting (room events of other nodes wait until then)")]
        public static partial void ListenLost(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "Backplane listening again after {Attempts} attempt(s)")]
        public static partial void Reconnected(ILogger logger, int attempts);

        [LoggerMessage(4, LogLevel.Debug, "Backplane reconnect attempt {Attempt} failed: {Reason}")]
        public static partial void ReconnectFailed(ILogger logger, int attempt, string reason);

        [LoggerMessage(5, LogLevel.Debug, "Ignored a malformed notification of {Length} characters on the backplane channel")]
        public static partial void Malformed(ILogger logger, int length);

        [LoggerMessage(6, LogLevel.Warning, "Could not read room {RoomId} (tenant {TenantId}) up to {Sequence} for its subscribers; its next event retries")]
        public static partial void ReadFailed(ILogger logger, string tenantId, string roomId, long sequence, Exception exception);

        [LoggerMessage(7, LogLevel.Information, "Backplane resync: {Rooms} subscribed room(s) get their latest event again")]
        public static partial void Resyncing(ILogger logger, int rooms);
    }
}
