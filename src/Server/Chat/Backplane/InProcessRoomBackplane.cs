using Atom.Server.Chat.Streaming;
using Atom.V1;

namespace Atom.Server.Chat.Backplane;

/// <summary>The backplane of a single node: there is nobody else to tell, since <see cref="RoomFanout"/> already delivered locally.</summary>
internal sealed class InProcessRoomBackplane : IRoomBackplane
{
    /// <inheritdoc />
    public void AnnounceStored(string tenantId, string roomId, long sequence)
    {
    }

    /// <inheritdoc />
    public void AnnounceTransient(string tenantId, string roomId, ChatEvent transient)
    {
    }
}
