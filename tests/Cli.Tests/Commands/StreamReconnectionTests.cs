using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>watch and chat across a server restart: they reconnect on their own and carry on from the last event shown.</summary>
public sealed class StreamReconnectionTests(RestartableCliServer server) : IClassFixture<RestartableCliServer>
{
    [Fact]
    public async Task Watch_resumes_after_the_server_restarts_without_repeating_or_missing_an_event()
    {
        var room = await server.CreateRoomAsync("restart");
        await server.SendAsync(room, "before the restart");

        await using var watch = RunningCli.Start(server.Address, ["watch", room.Name, "--from-seq", "0", "-o", "json"]);
        await watch.LineAsync(line => line.Contains("\"caughtUp\""), "saying it caught up");
        await server.StopAsync();
        await watch.StderrAsync("connection lost (UNAVAILABLE");
        await server.StartAgainAsync();
        await server.SendAsync(room, "after the restart");
        await watch.LineAsync(line => line.Contains("after the restart"), "with the message sent after the restart");
        var exitCode = await watch.InterruptAsync();

        Assert.Equal(130, exitCode);
        Assert.Equal(["1", "caughtUp 1", "2"], watch.Seen.Select(line => SendHistoryWatchTests.Describe(JsonDocument.Parse(line).RootElement)));
        Assert.Contains("resuming after #1", watch.Stderr);
    }

    [Fact]
    public async Task Chat_reconnects_and_a_line_typed_while_the_server_was_down_is_sent_once()
    {
        var room = await server.CreateRoomAsync("chat-restart");

        await using var chat = RunningCli.Start(server.Address, ["chat", room.Name]);
        await chat.WriteLineAsync("before the restart");
        await chat.LineAsync(line => line.EndsWith("Administrator: before the restart", StringComparison.Ordinal), "acknowledging the first line");
        await server.StopAsync();
        await chat.StderrAsync("connection lost");
        await chat.WriteLineAsync("while it was down");
        await server.StartAgainAsync();
        await chat.LineAsync(line => line.EndsWith("Administrator: while it was down", StringComparison.Ordinal), "acknowledging the line typed while down");
        await chat.WriteLineAsync("/quit");
        var exitCode = await chat.ExitAsync();

        Assert.True(exitCode == 0, chat.Stderr);
        Assert.Equal(["before the restart", "while it was down"], (await server.MessagesAsync(room)).Select(m => m.Text));
        Assert.Single(chat.Seen, line => line.EndsWith("while it was down", StringComparison.Ordinal));
    }
}

/// <summary>watch cut off by the server as too slow (SUBSCRIBER_TOO_SLOW): it resumes from the last event it printed.</summary>
public sealed class SlowWatchTests(SlowConsumerCliServer server) : IClassFixture<SlowConsumerCliServer>
{
    [Fact]
    public async Task A_watch_cut_off_as_too_slow_resumes_and_prints_every_event_once_in_order()
    {
        const int Count = 400;
        var room = await server.CreateRoomAsync("flood");
        var text = new string('z', 8 * 1024);

        // The watch's stdout goes unread while the room floods: the CLI blocks on the full pipe, stops reading its
        // stream, and the server's 4-event queue overflows, as with a consumer piped into something slow.
        await using var watch = RunningCli.Start(server.Address, ["watch", room.Name, "--from-seq", "0", "-o", "json"], readNow: false);
        Assert.Contains("\"caughtUp\"", await watch.ReadOneLineAsync());
        for (var i = 1; i <= Count; i++)
        {
            await server.SendAsync(room, $"{i} {text}");
        }

        watch.StartReading();
        await watch.LineAsync(line => line.Contains($"\"sequence\": \"{Count}\"", StringComparison.Ordinal) && line.Contains("\"roomEvent\""), "with the last message");
        await watch.InterruptAsync();

        var sequences = watch.Seen.Skip(1).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("roomEvent").GetProperty("sequence").GetString()).ToList();
        Assert.Equal(Enumerable.Range(1, Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), sequences);
        Assert.Contains("SUBSCRIBER_TOO_SLOW", watch.Stderr);
    }
}
