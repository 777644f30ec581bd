using System.CommandLine;
using Atom.Cli.Files;
using Atom.Cli.Voice;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom transcribe FILE [--mode dictation|commands] [--hints W...]</c>: a local audio file sent to
/// VoiceService.Transcribe as fast as the server takes it, its encoding told by its first bytes; or
/// <c>atom transcribe --file ID</c>: a stored file, through TranscribeFile, with a progress bar on stderr. Segments
/// print as they are decoded (see <see cref="TranscriptPrinter"/>); with --output json, each response is a line.
/// </summary>
internal static class TranscribeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var path = new Argument<string?>("file") { Description = "A local audio file: WAV, MP3, OGG, FLAC, WebM or M4A (told by its content, not its name)", Arity = ArgumentArity.ZeroOrOne };
        var stored = new Option<string?>("--file")
        {
            Description = "Transcribe a stored file instead, by its id or its name among your files (see atom files ls)",
            HelpName = "ID",
        };
        var arguments = new TranscriptionArguments();
        var command = new Command("transcribe", "Transcribe an audio file, printing segments as they are decoded (with --output json, a response per line)")
        {
            path,
            stored,
        };
        arguments.AddTo(command);
        command.Validators.Add(result =>
        {
            var local = result.GetValue(path) is not null;
            var remote = result.GetValue(stored) is not null;
            if (local == remote)
            {
                result.AddError(local ? "Give a local FILE or --file ID, not both." : "Give a local audio FILE, or --file ID for a stored one.");
            }
            else if (remote && (result.GetValue(arguments.Hints) is { Length: > 0 }))
            {
                result.AddError("--hints goes with a local FILE: TranscribeFile takes none.");
            }
        });
        command.SetAction((result, token) => runner.RunAsync(result, context => VoiceErrors.RunAsync(context, async () =>
        {
            using var connection = context.Connect();
            return result.GetValue(stored) is { } id
                ? await StoredAsync(context, connection, id, arguments.ModeOf(result), result.GetValue(arguments.Language)).ConfigureAwait(false)
                : await LocalAsync(context, connection, result.GetValue(path)!, result, arguments).ConfigureAwait(false);
        }), token));
        return command;
    }

    private static async Task<int> LocalAsync(CliContext context, CallInvoker connection, string path, ParseResult result, TranscriptionArguments arguments)
    {
        var encoding = LocalAudio.Read(path, AudioSignature.Of, "audio the server takes");
        var printer = TranscriptPrinter.OnStandardOutput(context);
        await new LiveTranscription(context, connection)
            .RunAsync(arguments.Config(result, new AudioFormat { Encoding = encoding }), AudioSources.File(path), printer, context.CancellationToken)
            .ConfigureAwait(false);
        return Finish(context, printer);
    }

    private static async Task<int> StoredAsync(CliContext context, CallInvoker connection, string named, RecognitionMode mode, string? language)
    {
        var file = await FileLookup.GetAsync(context, connection, named).ConfigureAwait(false);
        var printer = TranscriptPrinter.OnStandardOutput(context);
        using var call = new VoiceServiceClient(connection).TranscribeFile(
            new TranscribeFileRequest { FileId = file.Id, Mode = mode, Language = language?.Trim() ?? string.Empty },
            new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = context.CancellationToken });
        ProgressBar? bar = null;
        try
        {
            while (await call.ResponseStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                if (context.Settings.Output == OutputFormat.Json)
                {
                    await context.Out.WriteLineAsync(context.Json(response, oneLine: true)).ConfigureAwait(false);
                    continue;
                }

                if (response.Segment is { } segment)
                {
                    bar?.Hide();
                    printer.Print(segment);
                }

                if (response.Duration is { } duration && duration.ToTimeSpan() > TimeSpan.Zero)
                {
                    bar ??= ProgressBar.OnStandardError(context, file.Name, (long)duration.ToTimeSpan().TotalMilliseconds, measure: ProgressMeasure.AudioMilliseconds);
                    bar.Report((long)(response.Progress?.ToTimeSpan() ?? TimeSpan.Zero).TotalMilliseconds);
                }
            }
        }
        finally
        {
            bar?.Dispose();
        }

        return Finish(context, printer);
    }

    /// <summary>Says so when nothing was heard: an empty transcript is no error, but stdout alone would not tell.</summary>
    private static int Finish(CliContext context, TranscriptPrinter printer)
    {
        if (printer.Finals == 0 && context.Settings.Output == OutputFormat.Table)
        {
            context.Error.WriteLine("No speech heard.");
        }

        return ExitCodes.Success;
    }
}
