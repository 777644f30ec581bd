using System.CommandLine;
using System.Globalization;
using Atom.Cli.Files;
using Atom.Cli.Voice;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom say TEXT --out FILE|- [--voice V] [--rate R] [--pitch P] [--format wav|pcm|mp3|ogg] [--sample-rate N]</c>:
/// speech from VoiceService.Synthesize, saved like a download (under a temporary name until the last byte, never over
/// an existing file without --force) or written to stdout; its format and duration go to stderr, so stdout stays audio.
/// Voice, rate and pitch are validated by the server, which says which field is wrong.
/// </summary>
internal static class SayCommand
{
    public static Command Create(CommandRunner runner)
    {
        var text = new Argument<string>("text") { Description = "What to say (plain text, at most 5,000 characters)" };
        var output = new Option<string>("--out", "-O")
        {
            Description = "Where to save the audio: a file, or '-' for standard output",
            HelpName = "PATH",
            Required = true,
        };
        var force = new Option<bool>("--force") { Description = "Replace a file that is already there" };
        var voice = new Option<string?>("--voice") { Description = "The voice (see atom voices) [default: your voice profile's, or the server's]", HelpName = "VOICE" };
        var rate = new Option<float?>("--rate") { Description = "Speed, 0.5 to 2 (1 is normal) [default: your profile's, or 1]", HelpName = "R" };
        var pitch = new Option<float?>("--pitch") { Description = "Pitch, 0.5 to 2 (1 is normal) [default: your profile's, or 1]", HelpName = "P" };
        var format = new Option<AudioEncoding?>("--format")
        {
            Description = "The audio's format [default: from the file's extension (.mp3, .ogg, .pcm), else wav]",
            HelpName = SpeechFormat.Choices,
            CustomParser = result =>
            {
                var name = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (SpeechFormat.TryParse(name, out var encoding))
                {
                    return encoding;
                }

                result.AddError($"--format '{name}' is not one of {SpeechFormat.Choices}.");
                return null;
            },
        };
        var sampleRate = new Option<int?>("--sample-rate") { Description = "Samples per second, 8000 to 48000 [default: the voice's own]", HelpName = "HZ" };
        var command = new Command("say", "Speak a text into an audio file (or stdout with --out -); format and duration on stderr")
        {
            text,
            output,
            force,
            voice,
            rate,
            pitch,
            format,
            sampleRate,
        };
        command.SetAction((result, token) => runner.RunAsync(result, context => VoiceErrors.RunAsync(context, async () =>
        {
            var target = result.GetValue(output)!;
            var destination = target == "-" ? null : Path.GetFullPath(target);
            if (destination is not null)
            {
                if (Directory.Exists(destination) || !Directory.Exists(Path.GetDirectoryName(destination)))
                {
                    throw new UsageException($"{target}: {(Directory.Exists(destination) ? "is a directory: name the file to write" : "no such directory")}.");
                }

                NewFile.CheckAbsent(destination, result.GetValue(force));
            }

            var request = new SynthesizeRequest
            {
                Text = result.GetValue(text)!,
                Voice = result.GetValue(voice)?.Trim() ?? string.Empty,
                Rate = result.GetValue(rate) ?? 0,
                Pitch = result.GetValue(pitch) ?? 0,
                Encoding = result.GetValue(format) ?? SpeechFormat.ForPath(target),
                SampleRateHertz = result.GetValue(sampleRate) ?? 0,
            };
            using var connection = context.Connect();
            var speech = new Speech(context, connection, request);
            if (destination is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await speech.WriteAsync(stdout).ConfigureAwait(false);
            }
            else
            {
                await NewFile.WriteAsync(destination, result.GetValue(force), speech.WriteAsync, "the speech was synthesized").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync(speech.Summary(destination ?? "standard output")).ConfigureAwait(false);
            if (destination is not null && context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(speech.Json(destination)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }), token));
        return command;
    }

    /// <summary>One Synthesize call: its audio written to a stream, its format and duration kept for the summary.</summary>
    private sealed class Speech(CliContext context, CallInvoker connection, SynthesizeRequest request)
    {
        private AudioFormat? _format;
        private TimeSpan? _duration;
        private long _bytes;

        public async Task WriteAsync(Stream output)
        {
            using var call = new VoiceServiceClient(connection).Synthesize(request, context.CallOptions());
            while (await call.ResponseStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                _format ??= response.Format;
                _duration = response.Duration?.ToTimeSpan() ?? _duration;
                await output.WriteAsync(response.Audio.Memory, context.CancellationToken).ConfigureAwait(false);
                _bytes += response.Audio.Length;
            }

            await output.FlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        public string Summary(string where)
        {
            var format = _format is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"{AudioSignature.Name(f.Encoding)}, {f.SampleRateHertz} Hz, {(f.Channels <= 1 ? "mono" : $"{f.Channels} channels")}")
                : "format not said";
            var duration = _duration is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0}s") : "duration not said";
            return $"Wrote {Display.Bytes(_bytes)} of speech to {where}: {format}, {duration}.";
        }

        public string Json(string path) => JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteNumber("bytes", _bytes);
            if (_format is not null)
            {
                writer.WritePropertyName("format");
                writer.WriteRawValue(context.Catalog.JsonFormatter.Format(_format));
            }

            if (_duration is { } duration)
            {
                writer.WritePropertyName("duration");
                writer.WriteRawValue(context.Catalog.JsonFormatter.Format(global::Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(duration)));
            }

            writer.WriteEndObject();
        }, indented: false);
    }
}
