using Microsoft.Extensions.Logging;

namespace Atom.Server.Chat.Backplane;

internal sealed partial class PostgresRoomNotifier
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not announce {Count} room events to the other nodes; they deliver them with the rooms' next events")]
        public static partial void SendFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "The backplane's send queue was full: {Count} announcements were dropped; the other nodes deliver them with the rooms' next events")]
        public static partial void Dropped(ILogger logger, long count);

        [LoggerMessage(3, LogLevel.Debug, "A transient event of room {RoomId} (tenant {TenantId}) does not fit in a notification; only this node delivers it")]
        public static partial void TooLarge(ILogger logger, string tenantId, string roomId);
    }
}
