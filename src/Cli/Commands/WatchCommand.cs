using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Chat;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom watch ROOM [--from-seq N]</c>: a room's events as they happen (ChatService.Subscribe), resuming after a
/// dropped connection from the last event printed, so nothing is printed twice or missed.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CommandRunner runner)
    {
        var room = RoomsCommand.RoomArgument();
        var fromSeq = new Option<long?>("--from-seq")
        {
            Description = "Print the stored events after this sequence first, then live ones; 0 is the room's beginning [default: live ones only]",
            HelpName = "N",
        };
        fromSeq.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 0)
            {
                result.AddError("--from-seq must be 0 or more.");
            }
        });
        var command = new Command("watch", "Print a room's events as they happen (with --output json, a ChatEvent per line), resuming after dropped connections; Ctrl+C stops")
        {
            room,
            fromSeq,
        };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var cursor = new EventCursor(result.GetValue(fromSeq) ?? found.LastSequence);
            return await new RoomWatch(context, connection, found, cursor, Reconnection.Default).RunAsync().ConfigureAwait(false);
        }, token));
        return command;
    }
}
