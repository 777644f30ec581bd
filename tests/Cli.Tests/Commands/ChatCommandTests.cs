using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class ChatCommandTests(CliServer server)
{
    [Fact]
    public async Task Piped_lines_are_sent_shown_once_acknowledged_and_stored_once()
    {
        var room = await server.CreateRoomAsync("piped");
        await server.SendAsync(room, "said before");

        var result = await AtomCli.RunAsync(["chat", room.Name, "--server", server.Address], stdin: "hello there\n\nsecond line\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["said before", "hello there", "second line"], result.StdoutLines.Select(line => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        Assert.Matches(@"^#2 \d\d:\d\d:\d\d Administrator: hello there$", result.StdoutLines[1]);
        Assert.Equal(["said before", "hello there", "second line"], (await server.MessagesAsync(room)).Select(m => m.Text));
    }

    [Fact]
    public async Task With_json_each_line_gets_a_reply_with_the_stored_message_and_each_event_shows_once_in_order()
    {
        var room = await server.CreateRoomAsync("acks");

        var result = await AtomCli.RunAsync(["chat", room.Name, "-o", "json", "--server", server.Address], stdin: "one\ntwo\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        var responses = result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var acked = responses.Where(r => r.TryGetProperty("reply", out var reply) && reply.TryGetProperty("message", out _))
            .Select(r => r.GetProperty("reply").GetProperty("message")).ToList();
        Assert.Equal(["one", "two"], acked.Select(m => m.GetProperty("text").GetString()));
        Assert.All(acked, m => Assert.NotEmpty(m.GetProperty("requestId").GetString()!));
        Assert.NotEqual(acked[0].GetProperty("requestId").GetString(), acked[1].GetProperty("requestId").GetString());
        var posted = responses.Where(r => r.TryGetProperty("event", out var e) && e.TryGetProperty("roomEvent", out _))
            .Select(r => r.GetProperty("event").GetProperty("roomEvent")).ToList();
        Assert.Equal(["1", "2"], posted.Select(e => e.GetProperty("sequence").GetString()));
        Assert.Equal(["one", "two"], posted.Select(e => e.GetProperty("messagePosted").GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_viewers_lines_fail_with_PERMISSION_DENIED_and_the_chat_exits_1()
    {
        var room = await server.CreateRoomAsync("chat-viewers");
        var (viewer, token) = await server.UserWithTokenAsync("chat-viewer");
        await server.AddMemberAsync(room, viewer, RoomRole.Viewer);

        var result = await AtomCli.RunAsync(["chat", room.Name, "--server", server.Address], stdin: "may I speak?\n",
            environment: new Dictionary<string, string> { ["ATOM_TOKEN"] = token }, asAdmin: false);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: PERMISSION_DENIED: Sending messages needs the member room role; yours is viewer.", result.Stderr);
        Assert.Contains("not sent: may I speak?", result.Stderr);
        Assert.Empty(await server.MessagesAsync(room));
    }

    [Fact]
    public async Task Others_presence_messages_and_typing_arrive_live_and_quit_leaves()
    {
        var room = await server.CreateRoomAsync("live");
        var (ann, annToken) = await server.UserWithTokenAsync("ann");
        await server.AddMemberAsync(room, ann, RoomRole.Member);
        using var annChannel = server.Channel(annToken);
        var annChat = new ChatServiceClient(annChannel);

        await using var chat = RunningCli.Start(server.Address, ["chat", room.Name]);
        await chat.StderrAsync("Chatting in");
        using var annStream = annChat.Converse();
        await annStream.RequestStream.WriteAsync(new ConverseRequest { Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = room.Id } } });
        var online = await chat.LineAsync(line => line.Contains("is online"), "saying ann is online");
        await annChat.SetTypingAsync(new SetTypingRequest { RoomId = room.Id, Typing = true });

        var typing = await chat.LineAsync(line => line.Contains("is typing"), "saying ann is typing");
        await server.SendAsync(room, "hi from ann", annToken);
        var said = await chat.LineAsync(line => line.Contains("hi from ann"), "with ann's message");
        await chat.WriteLineAsync("/quit");
        var exitCode = await chat.ExitAsync();

        Assert.EndsWith($"{ann.Email} is online", online);
        Assert.DoesNotContain(chat.Seen, line => line.Contains("Administrator is online"));
        Assert.EndsWith($"{ann.Email} is typing…", typing);
        Assert.Matches($@"^#\d+ \d\d:\d\d:\d\d {System.Text.RegularExpressions.Regex.Escape(ann.Email)}: hi from ann$", said);
        Assert.True(exitCode == 0, chat.Stderr);
    }

    [Fact]
    public async Task Slash_lines_are_commands_and_a_double_slash_sends_one()
    {
        var room = await server.CreateRoomAsync("slashes");

        var result = await AtomCli.RunAsync(["chat", room.Name, "--server", server.Address], stdin: "/shrug\n//etc/hosts is a file\n/quit\nnot sent after quit\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("unknown command /shrug", result.Stderr);
        Assert.Equal(["/etc/hosts is a file"], (await server.MessagesAsync(room)).Select(m => m.Text));
    }

    [Fact]
    public async Task Chatting_in_a_room_that_does_not_exist_is_NOT_FOUND()
    {
        var result = await AtomCli.RunAsync(["chat", "no-such-room-" + Guid.NewGuid().ToString("N")[..8], "--server", server.Address], stdin: "hello?\n");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: NOT_FOUND: ", result.Stderr);
    }
}
