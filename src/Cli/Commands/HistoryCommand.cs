using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Chat;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom history ROOM [--before SEQ] [--limit N]</c>: a room's latest messages (ChatService.ListMessages), oldest
/// first as a conversation reads; with --output json the response as the server pages it, newest first.
/// </summary>
internal static class HistoryCommand
{
    // The server's largest page; longer histories take several.
    private const int MaxPageSize = 500;

    public static Command Create(CommandRunner runner)
    {
        var room = RoomsCommand.RoomArgument();
        var before = new Option<long?>("--before")
        {
            Description = "Only messages before this sequence, to page back (the output says where the next page starts) [default: from the newest]",
            HelpName = "SEQ",
        };
        var limit = new Option<int>("--limit")
        {
            Description = "How many messages at most",
            HelpName = "N",
            DefaultValueFactory = _ => 50,
        };
        before.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 1)
            {
                result.AddError("--before must be a sequence, 1 or more.");
            }
        });
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be 1 or more.");
            }
        });
        var command = new Command("history", "Show a room's messages, oldest first; --before pages back") { room, before, limit };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var client = new ChatServiceClient(connection);
            var wanted = result.GetValue(limit);
            var merged = new ListMessagesResponse { NextBeforeSequence = result.GetValue(before) ?? 0 };
            do
            {
                var page = await client.ListMessagesAsync(new ListMessagesRequest
                {
                    RoomId = found.Id,
                    BeforeSequence = merged.NextBeforeSequence,
                    PageSize = Math.Min(MaxPageSize, wanted - merged.Messages.Count),
                }, context.CallOptions()).ConfigureAwait(false);
                merged.Messages.Add(page.Messages);
                merged.NextBeforeSequence = page.NextBeforeSequence;
            }
            while (merged.NextBeforeSequence > 0 && merged.Messages.Count < wanted);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(merged)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (merged.Messages.Count == 0)
            {
                await context.Out.WriteLineAsync("No messages.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var text = new EventText(new PeopleDirectory(context, connection));
            foreach (var message in merged.Messages.Reverse())
            {
                await context.Out.WriteLineAsync((await text.MessageAsync(message).ConfigureAwait(false)).Plain(EventText.LogTime)).ConfigureAwait(false);
            }

            if (merged.NextBeforeSequence > 0)
            {
                await context.Error.WriteLineAsync($"Older messages: atom history {result.GetValue(room)} --before {merged.NextBeforeSequence}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }
}
