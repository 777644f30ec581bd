using System.Diagnostics;
using System.Globalization;
using Atom.Benchmarks.Shared;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>The server under load (<see cref="AtomTarget"/>), and the rooms a run creates.</summary>
/// <param name="address">The server's native gRPC address.</param>
/// <param name="token">The API key every call carries.</param>
public sealed class ChatTarget(Uri address, string token) : AtomTarget(address, token)
{
    private int _rooms;

    /// <summary>Creates a public room owned by the caller.</summary>
    /// <param name="label">Part of its name, for the server's logs.</param>
    /// <returns>The room, with the sequence of its latest event.</returns>
    public async Task<Room> CreateRoomAsync(string label)
    {
        var n = Interlocked.Increment(ref _rooms);
        var name = $"bench-{label}-{RunTag}-{n}".ToLowerInvariant();
        var response = await new RoomServiceClient(Admin).CreateRoomAsync(new CreateRoomRequest
        {
            Name = name.Length <= 63 ? name : name[..63],
            Visibility = RoomVisibility.Public,
            RequestId = $"{RunTag}-room-{n}",
        });
        return response.Room;
    }
}

/// <summary>
/// The text of a benchmark message: the sender's <see cref="Stopwatch"/> timestamp (16 hex digits) taken just before
/// SendMessage, its request id, and padding. Sender and receivers share one process, so one clock.
/// </summary>
public static class MessageStamp
{
    private const int StampLength = 16;

    /// <summary>Makes a message text stamped now.</summary>
    /// <param name="requestId">The send's request id.</param>
    /// <param name="bytes">The text's size.</param>
    /// <param name="timestamp">The stamp.</param>
    /// <returns>The text.</returns>
    public static string Create(string requestId, int bytes, long timestamp)
    {
        var head = timestamp.ToString("x16", CultureInfo.InvariantCulture) + " " + requestId + " ";
        return head.Length >= bytes ? head : head + new string('x', bytes - head.Length);
    }

    /// <summary>Reads the stamp and request id back from a delivered text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="timestamp">The stamp.</param>
    /// <param name="requestId">The request id it names.</param>
    /// <returns>Whether the text is a benchmark message.</returns>
    public static bool TryRead(string text, out long timestamp, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        timestamp = 0;
        if (text.Length < StampLength + 2 || text[StampLength] != ' '
            || !long.TryParse(text.AsSpan(0, StampLength), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out timestamp))
        {
            return false;
        }

        var rest = text.AsSpan(StampLength + 1);
        var space = rest.IndexOf(' ');
        requestId = space < 0 ? rest : rest[..space];
        return true;
    }

    /// <summary>Converts a stopwatch interval to nanoseconds.</summary>
    /// <param name="from">The earlier timestamp.</param>
    /// <param name="to">The later timestamp.</param>
    /// <returns>Nanoseconds.</returns>
    public static long Nanoseconds(long from, long to) =>
        Stopwatch.Frequency == 1_000_000_000 ? to - from : (long)((to - from) * (1e9 / Stopwatch.Frequency));
}
