using System.Globalization;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Chat;

/// <summary>One event as people read it: <c>#12 2026-11-22 01:18:43Z ann: hello</c>, or <c>#13 ... ann pinned #12</c>.</summary>
/// <param name="Sequence">The room sequence, or null for what is not stored (typing, presence, receipts).</param>
/// <param name="Time">When it happened.</param>
/// <param name="Who">Who said or did it.</param>
/// <param name="Text">What: the message's text, or what was done.</param>
/// <param name="IsMessage">Whether it is something said (shown as <c>who: text</c>) rather than done (<c>who did</c>).</param>
internal sealed record EventLine(long? Sequence, DateTimeOffset Time, string Who, string Text, bool IsMessage)
{
    /// <summary>Gets the line as plain text; the lines of a multi-line message are indented under the first.</summary>
    /// <param name="time">How to show the time.</param>
    /// <returns>The text.</returns>
    public string Plain(Func<DateTimeOffset, string> time) =>
        $"{Prefix()}{time(Time)} {Who}{(IsMessage ? ":" : string.Empty)} {Indent(Text)}";

    /// <summary>Gets the line as Spectre markup for a terminal: the time dimmed, the name bold.</summary>
    /// <param name="time">How to show the time.</param>
    /// <returns>The markup, every part escaped.</returns>
    public string Markup(Func<DateTimeOffset, string> time) =>
        $"[dim]{Spectre.Console.Markup.Escape(Prefix() + time(Time))}[/] [bold]{Spectre.Console.Markup.Escape(Who)}[/]{(IsMessage ? ":" : string.Empty)} {Spectre.Console.Markup.Escape(Indent(Text))}";

    private string Prefix() => Sequence is { } sequence ? string.Create(CultureInfo.InvariantCulture, $"#{sequence} ") : string.Empty;

    private static string Indent(string text) => text.ReplaceLineEndings("\n    ");
}

/// <summary>Turns chat events and messages into <see cref="EventLine"/>s, with people's names in place of their ids.</summary>
/// <param name="people">Where names come from.</param>
internal sealed class EventText(PeopleDirectory people)
{
    /// <summary>Shows a time as UTC to the second, for logs: <c>2026-11-22 01:18:43Z</c>.</summary>
    public static readonly Func<DateTimeOffset, string> LogTime = Display.Time;

    /// <summary>Shows a time as the local time of day, for a conversation on screen: <c>14:03:27</c>.</summary>
    public static readonly Func<DateTimeOffset, string> ClockTime = t => t.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Gets how to show a user, looking them up when needed (see <see cref="PeopleDirectory.LabelAsync"/>).</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The label.</returns>
    public Task<string> LabelAsync(string userId) => people.LabelAsync(userId);

    /// <summary>Gets how to show a user from what is already known, without a call.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The label.</returns>
    public string KnownLabel(string userId) => people.KnownLabel(userId);

    /// <summary>Gets the line of a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The line.</returns>
    public async Task<EventLine> MessageAsync(Message message)
    {
        var who = await people.LabelAsync(message.SenderId).ConfigureAwait(false);
        return new EventLine(message.Sequence, Time(message.CreateTime), who, Body(message), IsMessage: true);
    }

    /// <summary>Gets the line of an event, or null when there is nothing to show people (catch-up marks, typing that stopped).</summary>
    /// <param name="chatEvent">The event.</param>
    /// <returns>The line, or null.</returns>
    public async Task<EventLine?> EventAsync(ChatEvent chatEvent)
    {
        var now = DateTimeOffset.UtcNow;
        switch (chatEvent.KindCase)
        {
            case ChatEvent.KindOneofCase.RoomEvent:
                return await RoomEventAsync(chatEvent.RoomEvent).ConfigureAwait(false);

            case ChatEvent.KindOneofCase.Typing when chatEvent.Typing.UntilTime is { } until && until.ToDateTimeOffset() > now:
                return new EventLine(null, now, await people.LabelAsync(chatEvent.Typing.UserId).ConfigureAwait(false), "is typing…", IsMessage: false);

            case ChatEvent.KindOneofCase.Presence:
                return new EventLine(null, now, await people.LabelAsync(chatEvent.Presence.UserId).ConfigureAwait(false),
                    chatEvent.Presence.Online ? "is online" : "went offline", IsMessage: false);

            case ChatEvent.KindOneofCase.Receipt:
                return new EventLine(null, Time(chatEvent.Receipt.ReadTime), await people.LabelAsync(chatEvent.Receipt.UserId).ConfigureAwait(false),
                    string.Create(CultureInfo.InvariantCulture, $"read up to #{chatEvent.Receipt.Sequence}"), IsMessage: false);

            case ChatEvent.KindOneofCase.RoomClosed:
                return new EventLine(null, now, "room", $"closed: {Display.OrDash(chatEvent.RoomClosed.Reason)}", IsMessage: false);

            default:
                return null;
        }
    }

    private async Task<EventLine> RoomEventAsync(RoomEvent roomEvent)
    {
        var actor = await people.LabelAsync(roomEvent.ActorId).ConfigureAwait(false);
        var time = Time(roomEvent.EventTime);
        EventLine Did(string text) => new(roomEvent.Sequence, time, actor, text, IsMessage: false);
        switch (roomEvent.KindCase)
        {
            case RoomEvent.KindOneofCase.MessagePosted:
                return new EventLine(roomEvent.Sequence, time, await people.LabelAsync(roomEvent.MessagePosted.SenderId).ConfigureAwait(false),
                    Body(roomEvent.MessagePosted), IsMessage: true);

            case RoomEvent.KindOneofCase.MessageEdited:
                return Did($"edited #{Number(roomEvent.MessageEdited.Sequence)}: {roomEvent.MessageEdited.Text}");

            case RoomEvent.KindOneofCase.MessageDeleted:
                return Did($"deleted #{Number(roomEvent.MessageDeleted.Sequence)}");

            case RoomEvent.KindOneofCase.ReactionsChanged:
                var reactions = roomEvent.ReactionsChanged.Reactions;
                return Did($"reacted to #{Number(roomEvent.ReactionsChanged.Sequence)}: "
                    + (reactions.Count == 0 ? "no reactions left" : string.Join(' ', reactions.Select(r => $"{r.Emoji}×{Number(r.Count)}"))));

            case RoomEvent.KindOneofCase.PinChanged:
                return Did($"{(roomEvent.PinChanged.Pinned ? "pinned" : "unpinned")} #{Number(roomEvent.PinChanged.Sequence)}");

            case RoomEvent.KindOneofCase.MembershipChanged:
                var change = roomEvent.MembershipChanged;
                var self = change.UserId == roomEvent.ActorId;
                var user = self ? actor : await people.LabelAsync(change.UserId).ConfigureAwait(false);
                return change.Role == RoomRole.Unspecified
                    ? self ? Did("left") : Did($"removed {user}")
                    : self ? Did($"joined as {RoomRoleNames.Name(change.Role)}") : Did($"made {user} {RoomRoleNames.Name(change.Role)}");

            case RoomEvent.KindOneofCase.TranscriptAttached:
                var transcribed = roomEvent.TranscriptAttached;
                return new EventLine(roomEvent.Sequence, time, await people.LabelAsync(transcribed.SenderId).ConfigureAwait(false),
                    $"#{Number(transcribed.Sequence)} {Voice(transcribed.Voice)}", IsMessage: false);

            case RoomEvent.KindOneofCase.RoomUpdated:
                var room = roomEvent.RoomUpdated;
                var what = $"updated the room: {room.Name} '{room.DisplayName}'" + (room.Topic.Length > 0 ? $", topic '{room.Topic}'" : string.Empty)
                    + (room.Archived ? ", archived" : string.Empty);
                return Did(what);

            default:
                return Did("did something this version of atom does not know (see --output json)");
        }
    }

    private static string Body(Message message)
    {
        if (message.DeleteTime is not null)
        {
            return "(deleted)";
        }

        var text = message.Text;
        if (message.Voice is { } voice)
        {
            text += (text.Length > 0 ? " " : string.Empty) + Voice(voice);
        }

        if (message.Attachments.Count > 0)
        {
            text += (text.Length > 0 ? " " : string.Empty) + string.Join(' ', message.Attachments.Select(a => $"[file: {a.Name}]"));
        }

        if (message.ReplyToId.Length > 0)
        {
            text = "(reply) " + text;
        }

        return message.EditTime is null ? text : text + " (edited)";
    }

    private static string Voice(VoiceClip voice)
    {
        var length = voice.Duration is null ? string.Empty : " " + Display.Clock(voice.Duration.ToTimeSpan(), tenths: false);
        return voice.TranscriptState switch
        {
            TranscriptState.Ready when voice.Transcript.Length > 0 => $"[voice{length}: \"{voice.Transcript}\"]",
            TranscriptState.Ready => $"[voice{length}: no speech heard]",
            TranscriptState.Pending => $"[voice{length}: transcribing…]",
            _ => $"[voice{length}]",
        };
    }

    private static DateTimeOffset Time(Timestamp? time) => time?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
