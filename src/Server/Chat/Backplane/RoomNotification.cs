using System.Globalization;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Server.Chat.Backplane;

/// <summary>
/// One NOTIFY payload on the <see cref="Channel"/> channel, and the one place its text form is written and read:
/// <c>1|s|node|tenant|room|sequence</c> for a stored event (ids and a sequence only: NOTIFY passes no row-level
/// security, so no message text ever travels in it) or <c>1|t|node|tenant|room|base64(ChatEvent)</c> for a transient one.
/// </summary>
/// <param name="Origin">The node that published it.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="RoomId">The room.</param>
/// <param name="Sequence">For a stored event, the sequence the room reached; 0 for a transient one.</param>
/// <param name="Transient">For a transient event, the event; null for a stored one.</param>
internal readonly record struct RoomNotification(string Origin, string TenantId, string RoomId, long Sequence, ChatEvent? Transient)
{
    /// <summary>The PostgreSQL notification channel.</summary>
    public const string Channel = "atom_chat";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    private const int MaxIdLength = 128;
    private const char Separator = '|';

    /// <summary>Gets whether this announces a stored event (else a transient one).</summary>
    public bool IsStored => Transient is null;

    /// <summary>The payload, or null when it would exceed <see cref="MaxPayloadBytes"/> or an id cannot be written.</summary>
    public string? Format()
    {
        if (!IsValidId(Origin) || !IsValidId(TenantId) || !IsValidId(RoomId))
        {
            return null;
        }

        var payload = IsStored
            ? string.Join(Separator, "1", "s", Origin, TenantId, RoomId, Sequence.ToString(CultureInfo.InvariantCulture))
            : string.Join(Separator, "1", "t", Origin, TenantId, RoomId, Convert.ToBase64String(Transient!.ToByteArray()));

        // Every character is ASCII, so the length is the byte count.
        return payload.Length <= MaxPayloadBytes ? payload : null;
    }

    /// <summary>Reads a payload. Anyone who can connect to the database can NOTIFY, so anything unexpected is refused.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="notification">The notification, when valid.</param>
    /// <returns>Whether the payload is a valid notification.</returns>
    public static bool TryParse(string? payload, out RoomNotification notification)
    {
        notification = default;
        if (payload is null || payload.Length > MaxPayloadBytes)
        {
            return false;
        }

        var parts = payload.Split(Separator);
        if (parts.Length != 6 || parts[0] != "1" || !IsValidId(parts[2]) || !IsValidId(parts[3]) || !IsValidId(parts[4]))
        {
            return false;
        }

        switch (parts[1])
        {
            case "s" when long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0:
                notification = new RoomNotification(parts[2], parts[3], parts[4], sequence, null);
                return true;

            case "t" when TryReadTransient(parts[5], parts[4], out var transient):
                notification = new RoomNotification(parts[2], parts[3], parts[4], 0, transient);
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// Folds stored announcements of the same room into the latest one (a receiver reads the whole range from its
    /// store anyway), keeping each where its room's last announcement stood, so a transient event that followed a
    /// stored one still follows it.
    /// </summary>
    /// <param name="batch">Notifications in the order they were made.</param>
    /// <returns>The folded notifications, in order.</returns>
    public static List<RoomNotification> Fold(IReadOnlyList<RoomNotification> batch)
    {
        var latest = new Dictionary<(string, string), (long Sequence, int Index)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var n = batch[i];
            if (n.IsStored)
            {
                var key = (n.TenantId, n.RoomId);
                latest[key] = (latest.TryGetValue(key, out var seen) ? Math.Max(seen.Sequence, n.Sequence) : n.Sequence, i);
            }
        }

        var folded = new List<RoomNotification>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var n = batch[i];
            if (!n.IsStored)
            {
                folded.Add(n);
            }
            else if (latest[(n.TenantId, n.RoomId)] is var last && last.Index == i)
            {
                folded.Add(n with { Sequence = last.Sequence });
            }
        }

        return folded;
    }

    private static bool TryReadTransient(string base64, string roomId, out ChatEvent transient)
    {
        transient = null!;
        var bytes = new byte[base64.Length * 3 / 4];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return false;
        }

        try
        {
            transient = ChatEvent.Parser.ParseFrom(bytes, 0, length);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        // Only what is never stored may arrive this way, and only for the room it names: a stored event always
        // comes from the receiver's own store.
        var about = transient.KindCase switch
        {
            ChatEvent.KindOneofCase.Typing => transient.Typing.RoomId,
            ChatEvent.KindOneofCase.Receipt => transient.Receipt.RoomId,
            ChatEvent.KindOneofCase.RoomClosed => transient.RoomClosed.RoomId,
            ChatEvent.KindOneofCase.Presence => roomId,
            _ => null,
        };
        return about == roomId;
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(c => c is > ' ' and < (char)127 and not Separator);
}
