using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Chat;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom send ROOM TEXT [--request-id ID] [--reply-to MSG]</c>: posts a message (ChatService.SendMessage). A retry
/// with the same --request-id is stored once and answered with the same message, so scripts can retry safely.
/// </summary>
internal static class SendCommand
{
    public static Command Create(CommandRunner runner)
    {
        var room = RoomsCommand.RoomArgument();
        var text = new Argument<string>("text") { Description = "The message, Markdown; '-' reads it from standard input" };
        var requestId = new Option<string?>("--request-id")
        {
            Description = "An id of your choosing: sending again with the same one stores nothing new and prints the message stored the first time [default: a new one]",
            HelpName = "ID",
        };
        var replyTo = new Option<string?>("--reply-to")
        {
            Description = "Reply in the thread of this message: its id, or its sequence number as atom history shows it",
            HelpName = "MSG",
        };
        var command = new Command("send", "Post a message to a room") { room, text, requestId, replyTo };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            // The text is read before any call, so an empty stdin fails without touching the server.
            var body = result.GetValue(text)!;
            if (body == "-")
            {
                body = (await Console.In.ReadToEndAsync(context.CancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
            }

            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var request = new SendMessageRequest
            {
                RoomId = found.Id,
                Text = body,
                RequestId = result.GetValue(requestId)?.Trim() is { Length: > 0 } id ? id : Guid.NewGuid().ToString(),
            };
            if (result.GetValue(replyTo)?.Trim() is { Length: > 0 } parent)
            {
                request.ReplyToId = await MessageLookup.IdOfAsync(context, connection, found, parent).ConfigureAwait(false);
            }

            var response = await new ChatServiceClient(connection).SendMessageAsync(request, context.CallOptions()).ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                var message = response.Message ?? new Message();
                await context.Out.WriteLineAsync($"Sent #{message.Sequence} to {found.Name} (message {message.Id}).").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }
}
