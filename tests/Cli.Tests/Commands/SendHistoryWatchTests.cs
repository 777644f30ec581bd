using System.Text.Json;
using System.Text.RegularExpressions;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class SendHistoryWatchTests(CliServer server)
{
    [Fact]
    public async Task Sent_messages_show_in_history_oldest_first_and_text_can_come_from_stdin()
    {
        var room = await server.CreateRoomAsync("history");

        var first = await Admin("send", room.Name, "first words");
        var second = await AtomCli.RunAsync(["send", room.Name, "-", "--server", server.Address], stdin: "from stdin\nover two lines\n");
        var table = await Admin("history", room.Name);
        var json = await Admin("history", room.Id, "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Sent #1 to {room.Name}", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"^#1 \S+ \S+ Administrator: first words$", table.StdoutLines[0]);
        Assert.Matches(@"^#2 \S+ \S+ Administrator: from stdin$", table.StdoutLines[1]);
        Assert.Equal("over two lines", table.StdoutLines[2]);
        var messages = json.Json().GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["from stdin\nover two lines", "first words"], messages);
    }

    [Fact]
    public async Task A_retried_send_with_the_same_request_id_is_stored_once()
    {
        var room = await server.CreateRoomAsync("retry");
        var requestId = Guid.NewGuid().ToString();

        var first = await Admin("send", room.Name, "only once", "--request-id", requestId, "-o", "json");
        var retry = await Admin("send", room.Name, "only once", "--request-id", requestId, "-o", "json");
        var history = await Admin("history", room.Name, "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(retry.ExitCode == 0, retry.ToString());
        var message = first.Json().GetProperty("message");
        Assert.Equal(message.GetProperty("id").GetString(), retry.Json().GetProperty("message").GetProperty("id").GetString());
        Assert.Equal(requestId, message.GetProperty("requestId").GetString());
        Assert.Single(history.Json().GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task A_viewers_send_is_PERMISSION_DENIED_with_the_servers_message_and_exit_code_1()
    {
        var room = await server.CreateRoomAsync("viewers");
        var (viewer, token) = await server.UserWithTokenAsync("viewer");
        await server.AddMemberAsync(room, viewer, RoomRole.Viewer);

        var table = await AtomCli.RunAsync(["send", room.Name, "may I?", "--server", server.Address], environment: Token(token), asAdmin: false);
        var json = await AtomCli.RunAsync(["send", room.Name, "may I?", "-o", "json", "--server", server.Address], environment: Token(token), asAdmin: false);

        Assert.True(table.ExitCode == 1, table.ToString());
        Assert.Contains("error: PERMISSION_DENIED: Sending messages needs the member room role; yours is viewer.", table.Stderr);
        Assert.Contains("reason: PERMISSION_DENIED", table.Stderr);
        Assert.True(json.ExitCode == 1, json.ToString());
        Assert.Equal(string.Empty, json.Stdout);
        Assert.Equal(7, JsonDocument.Parse(json.Stderr).RootElement.GetProperty("code").GetInt32());
        Assert.Empty(await server.MessagesAsync(room));
    }

    [Fact]
    public async Task History_pages_back_with_before_and_limit()
    {
        var room = await server.CreateRoomAsync("pages");
        for (var i = 1; i <= 5; i++)
        {
            await server.SendAsync(room, "message " + i);
        }

        var latest = await Admin("history", room.Name, "--limit", "2");
        var older = await Admin("history", room.Name, "--before", "4", "--limit", "2");
        var all = await Admin("history", room.Name, "--limit", "100", "-o", "json");

        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Equal(["message 4", "message 5"], latest.StdoutLines.Select(Text));
        Assert.Contains($"atom history {room.Name} --before 4", latest.Stderr);
        Assert.Equal(["message 2", "message 3"], older.StdoutLines.Select(Text));
        Assert.Equal(5, all.Json().GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task A_reply_names_its_parent_by_sequence_or_id()
    {
        var room = await server.CreateRoomAsync("threads");
        var parent = await server.SendAsync(room, "parent");

        var bySequence = await Admin("send", room.Name, "child one", "--reply-to", "1", "-o", "json");
        var byId = await Admin("send", room.Name, "child two", "--reply-to", parent.Id, "-o", "json");
        var missing = await Admin("send", room.Name, "orphan", "--reply-to", "99");
        var history = await Admin("history", room.Name);

        Assert.Equal(parent.Id, bySequence.Json().GetProperty("message").GetProperty("replyToId").GetString());
        Assert.Equal(parent.Id, byId.Json().GetProperty("message").GetProperty("replyToId").GetString());
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("NOT_FOUND", missing.Stderr);
        Assert.Contains("(reply) child one", history.Stdout);
    }

    [Fact]
    public async Task Watch_from_a_sequence_prints_exactly_the_events_after_it_then_live_ones_and_ctrl_c_exits_130()
    {
        var room = await server.CreateRoomAsync("watch");
        for (var i = 1; i <= 3; i++)
        {
            await server.SendAsync(room, "stored " + i);
        }

        await using var watch = RunningCli.Start(server.Address, ["watch", room.Name, "--from-seq", "1", "-o", "json"]);
        await watch.LineAsync(line => line.Contains("\"caughtUp\""), "saying it caught up");
        await server.SendAsync(room, "live 4");
        await watch.LineAsync(line => line.Contains("live 4"), "with the live message");
        var exitCode = await watch.InterruptAsync();

        var events = watch.Seen.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(130, exitCode);
        Assert.Equal(["2", "3", "caughtUp 3", "4"], events.Select(Describe));
        Assert.Equal("stored 2", events[0].GetProperty("roomEvent").GetProperty("messagePosted").GetProperty("text").GetString());
        Assert.Contains("CANCELLED", watch.Stderr);
    }

    [Fact]
    public async Task Watch_prints_a_readable_line_per_event()
    {
        var room = await server.CreateRoomAsync("readable");
        var ann = await server.CreateUserAsync("ann");

        await using var watch = RunningCli.Start(server.Address, ["watch", room.Id]);
        await watch.StderrAsync($"Watching {room.Name}");
        await server.SendAsync(room, "hello, people");
        await server.AddMemberAsync(room, ann, RoomRole.Moderator);
        var said = await watch.LineAsync(line => line.Contains("hello"), "with the message");
        var added = await watch.LineAsync(line => line.Contains(ann.Email), "with the new member");
        await watch.InterruptAsync();

        Assert.Matches(@"^#1 \S+ \S+ Administrator: hello, people$", said);
        Assert.Matches($@"^#2 \S+ \S+ Administrator made {Regex.Escape(ann.Email)} moderator$", added);
    }

    [Fact]
    public async Task Watch_ends_when_the_room_is_deleted()
    {
        var room = await server.CreateRoomAsync("doomed");

        await using var watch = RunningCli.Start(server.Address, ["watch", room.Name, "-o", "json"]);
        await watch.LineAsync(line => line.Contains("\"caughtUp\""), "saying it caught up");
        using (var channel = server.Channel())
        {
            await new RoomServiceClient(channel).DeleteRoomAsync(new DeleteRoomRequest { RoomId = room.Id });
        }

        var closed = await watch.LineAsync(line => line.Contains("\"roomClosed\""), "saying the room closed");
        var exitCode = await watch.ExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal("deleted", JsonDocument.Parse(closed).RootElement.GetProperty("roomClosed").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Watching_a_room_that_does_not_exist_is_NOT_FOUND()
    {
        var result = await Admin("watch", "no-such-room-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: NOT_FOUND: ", result.Stderr);
    }

    internal static string Describe(JsonElement chatEvent) =>
        chatEvent.TryGetProperty("roomEvent", out var roomEvent) ? roomEvent.GetProperty("sequence").GetString()!
        : chatEvent.TryGetProperty("caughtUp", out var caughtUp) ? "caughtUp " + (caughtUp.TryGetProperty("sequence", out var s) ? s.GetString() : "0")
        : chatEvent.ToString();

    private Task<CliResult> Admin(params string[] args) => AtomCli.RunAsync([.. args, "--server", server.Address]);

    private static Dictionary<string, string> Token(string token) => new() { ["ATOM_TOKEN"] = token };

    private static string Text(string line) => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
}
