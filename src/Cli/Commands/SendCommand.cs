using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Chat;
using Atom.Cli.Files;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom send ROOM [TEXT] [--voice FILE] [--request-id ID] [--reply-to MSG]</c>: posts a message (ChatService.SendMessage).
/// A retry with the same --request-id is stored once and answered with the same message, so scripts can retry safely.
/// With --voice the recording is uploaded to the room first and the message is a voice message, TEXT its caption.
/// </summary>
internal static class SendCommand
{
    public static Command Create(CommandRunner runner)
    {
        var room = RoomsCommand.RoomArgument();
        var text = new Argument<string?>("text") { Description = "The message, Markdown; '-' reads it from standard input", Arity = ArgumentArity.ZeroOrOne };
        var voice = new Option<string?>("--voice")
        {
            Description = "Send a voice message: this recording (WAV, MP3, M4A, Ogg, FLAC, WebM) is uploaded to the room, and its transcript follows",
            HelpName = "FILE",
        };
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
        var command = new Command("send", "Post a message, or a voice message, to a room") { room, text, voice, requestId, replyTo };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            // The text is read before any call, so an empty stdin fails without touching the server.
            var body = result.GetValue(text) ?? string.Empty;
            if (body == "-")
            {
                body = (await Console.In.ReadToEndAsync(context.CancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
            }

            var recording = result.GetValue(voice) is { } given ? UploadCommand.LocalFiles([given])[0] : default;
            _ = recording.Path is null ? null : RecordingType(recording.Given);
            if (body.Length == 0 && recording.Path is null)
            {
                throw new UsageException("nothing to send: give the message's TEXT, or a recording with --voice FILE.");
            }

            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var request = new SendMessageRequest
            {
                RoomId = found.Id,
                Text = body,
                RequestId = result.GetValue(requestId)?.Trim() is { Length: > 0 } id ? id : Guid.NewGuid().ToString(),
            };
            if (recording.Path is not null)
            {
                // Resumable like atom upload; the message goes at once, and the server attaches the transcript when it is ready.
                var journal = UploadJournal.FromEnvironment();
                journal.Prune(DateTimeOffset.UtcNow);
                var target = new UploadTarget(found.Id, string.Empty, RecordingType(recording.Given));
                var file = await new FileUpload(context, connection, journal).RunAsync(recording.Path, target).ConfigureAwait(false);
                request.VoiceFileId = file.Id;
            }

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
                var what = message.Voice is null ? string.Empty : "voice message ";
                await context.Out.WriteLineAsync($"Sent {what}#{message.Sequence} to {found.Name} (message {message.Id}).").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    // Declared, so that the message can go before the server has processed the recording; the server still checks the bytes.
    private static string RecordingType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".m4a" or ".mp4" or ".aac" => "audio/mp4",
        ".ogg" or ".oga" or ".opus" => "audio/ogg",
        ".flac" => "audio/flac",
        ".webm" => "audio/webm",
        _ => throw new UsageException($"{path} is not a recording by its name: voice messages are .wav, .mp3, .m4a, .ogg, .opus, .flac or .webm files."),
    };
}
