using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Chat;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom chat ROOM</c>: an interactive chat over one ChatService.Converse stream (see <see cref="ChatSession"/>).
/// On a terminal it keeps a prompt line under the conversation; with stdin or stdout piped it reads and prints
/// plain lines, so it can be scripted.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(CommandRunner runner)
    {
        var room = RoomsCommand.RoomArgument();
        var history = new Option<int>("--history")
        {
            Description = "How many earlier messages to show first (not with --output json)",
            HelpName = "N",
            DefaultValueFactory = _ => 10,
        };
        history.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 500)
            {
                result.AddError("--history must be between 0 and 500.");
            }
        });
        // One line, for the list of commands; the rest of the story is in the README and the class comment.
        var command = new Command("chat", "Chat in a room live (/quit leaves); piped, each line of stdin is sent, exit 1 if any failed; --output json prints each ConverseResponse")
        {
            room,
            history,
        };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var identity = await new AuthServiceClient(connection).GetCurrentIdentityAsync(new GetCurrentIdentityRequest(), context.CallOptions()).ConfigureAwait(false);
            var me = identity.Principal ?? new Principal();
            var people = new PeopleDirectory(context, connection);
            var cursor = new EventCursor(found.LastSequence);
            var terminal = context.Settings.Output == OutputFormat.Table && !Console.IsInputRedirected && !Console.IsOutputRedirected;
            using ChatScreen screen = terminal ? new TerminalScreen(context) : new LineScreen(context, Console.In);

            string? banner = null;
            if (context.Settings.Output == OutputFormat.Table)
            {
                await ShowHistoryAsync(context, connection, found, people, screen, cursor, result.GetValue(history)).ConfigureAwait(false);
                var who = me.Email.Length > 0 ? me.Email : me.DisplayName;
                banner = $"Chatting in {RoomLookup.Label(found)} ({found.Name}) as {who}: type a message and press Enter to send; /quit leaves.";
            }

            var session = new ChatSession(context, connection, found, me.Id, screen, people, cursor, Reconnection.Default) { Banner = banner };
            return await session.RunAsync().ConfigureAwait(false);
        }, token));
        return command;
    }

    private static async Task ShowHistoryAsync(CliContext context, ServerConnection connection, Room room, PeopleDirectory people, ChatScreen screen, EventCursor cursor, int count)
    {
        if (count == 0 || cursor.Last == 0)
        {
            return;
        }

        // Up to the cursor only: what came after it arrives on the stream, and must not show twice.
        var page = await new ChatServiceClient(connection).ListMessagesAsync(
            new ListMessagesRequest { RoomId = room.Id, BeforeSequence = cursor.Last + 1, PageSize = count },
            context.CallOptions()).ConfigureAwait(false);
        var text = new EventText(people);
        foreach (var message in page.Messages.Reverse())
        {
            screen.Show(await text.MessageAsync(message).ConfigureAwait(false));
        }
    }
}
