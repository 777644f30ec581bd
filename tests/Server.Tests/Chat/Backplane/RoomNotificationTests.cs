using Atom.Server.Chat.Backplane;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Tests.Chat.Backplane;

/// <summary>The NOTIFY payload: ids and a sequence for stored events, the event for transient ones, and nothing else accepted.</summary>
public sealed class RoomNotificationTests
{
    private const string Tenant = "0199a1b2c3d4e5f60718293a4b5c6d7e";
    private const string Room = "0199a1b2c3d4e5f60718293a4b5c6d7f";

    [Fact]
    public void A_stored_event_travels_as_ids_and_a_sequence_only()
    {
        var payload = new RoomNotification("node1", Tenant, Room, 42, null).Format();

        Assert.Equal($"1|s|node1|{Tenant}|{Room}|42", payload);
        Assert.True(RoomNotification.TryParse(payload, out var read));
        Assert.Equal(new RoomNotification("node1", Tenant, Room, 42, null), read);
    }

    [Fact]
    public void A_transient_event_round_trips()
    {
        var typing = new ChatEvent { Typing = new TypingEvent { RoomId = Room, UserId = "u1", UntilTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) } };

        Assert.True(RoomNotification.TryParse(new RoomNotification("node1", Tenant, Room, 0, typing).Format(), out var read));
        Assert.False(read.IsStored);
        Assert.Equal(typing, read.Transient);
    }

    [Fact]
    public void A_transient_event_too_large_for_notify_is_not_formatted()
    {
        var closed = new ChatEvent { RoomClosed = new RoomClosedEvent { RoomId = Room, Reason = new string('x', 6000) } };

        Assert.Null(new RoomNotification("node1", Tenant, Room, 0, closed).Format());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1|s|n|t|r")]
    [InlineData("1|s|n|t|r|5|extra")]
    [InlineData("2|s|n|t|r|5")]
    [InlineData("1|x|n|t|r|5")]
    [InlineData("1|s|n|t|r|0")]
    [InlineData("1|s|n|t|r|-1")]
    [InlineData("1|s|n|t|r|+5")]
    [InlineData("1|s|n|t|r|99999999999999999999")]
    [InlineData("1|s||t|r|5")]
    [InlineData("1|s|n|t t|r|5")]
    [InlineData("1|t|n|t|r|!!!")]
    [InlineData("1|t|n|t|r|AAAA")]
    public void Malformed_payloads_are_refused(string? payload) => Assert.False(RoomNotification.TryParse(payload, out _));

    [Fact]
    public void Stored_events_and_events_about_other_rooms_are_refused_as_transient()
    {
        static string Transient(ChatEvent e) => $"1|t|n|{Tenant}|{Room}|" + Convert.ToBase64String(e.ToByteArray());

        Assert.False(RoomNotification.TryParse(Transient(new ChatEvent { RoomEvent = new RoomEvent { RoomId = Room, Sequence = 1 } }), out _));
        Assert.False(RoomNotification.TryParse(Transient(new ChatEvent { CaughtUp = new CaughtUpEvent { RoomId = Room } }), out _));
        Assert.False(RoomNotification.TryParse(Transient(new ChatEvent { Typing = new TypingEvent { RoomId = "another", UserId = "u" } }), out _));
        Assert.False(RoomNotification.TryParse(Transient(new ChatEvent()), out _));
        Assert.True(RoomNotification.TryParse(Transient(new ChatEvent { Receipt = new ReadReceipt { RoomId = Room, UserId = "u", Sequence = 3 } }), out _));
    }

    [Fact]
    public void Ids_that_could_break_the_format_are_not_written()
    {
        Assert.Null(new RoomNotification("node1", Tenant, "a|b", 1, null).Format());
        Assert.Null(new RoomNotification("node1", "", Room, 1, null).Format());
        Assert.Null(new RoomNotification("node1", Tenant, new string('r', 129), 1, null).Format());
    }

    [Fact]
    public void Folding_keeps_each_rooms_latest_sequence_where_its_last_announcement_stood()
    {
        var typing = new ChatEvent { Typing = new TypingEvent { RoomId = "r1" } };
        RoomNotification[] batch =
        [
            new("n", "t", "r1", 5, null),
            new("n", "t", "r2", 9, null),
            new("n", "t", "r1", 7, null),
            new("n", "t", "r1", 0, typing),
            new("n", "t", "r1", 6, null),
            new("n", "u", "r1", 2, null),
        ];

        var folded = RoomNotification.Fold(batch);

        Assert.Equal(
            [new("n", "t", "r2", 9, null), new("n", "t", "r1", 0, typing), new("n", "t", "r1", 7, null), new("n", "u", "r1", 2, null)],
            folded);
    }
}
