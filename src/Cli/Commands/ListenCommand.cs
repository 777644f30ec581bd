using System.CommandLine;
using Atom.Cli.Voice;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom listen [--wav FILE] [--mode dictation|commands]</c>: live speech-to-text over one VoiceService.Transcribe
/// call, from the microphone (ALSA's arecord) or from a WAV sent at the pace it plays, 100 ms at a time, so the
/// partials and finals show the latency a speaker would see. Ctrl+C ends the audio, not the call: the command waits
/// for the last final segment; a second Ctrl+C quits at once.
/// </summary>
internal static class ListenCommand
{
    public static Command Create(CommandRunner runner)
    {
        var wav = new Option<string?>("--wav")
        {
            Description = "Stream this WAV in real time instead of the microphone, as if it were being spoken now",
            HelpName = "FILE",
        };
        var arguments = new TranscriptionArguments();
        var command = new Command("listen", "Transcribe live speech (the microphone, or --wav FILE in real time), each final with its latency; Ctrl+C ends the audio and waits for the last words")
        {
            wav,
        };
        arguments.AddTo(command);
        command.SetAction((result, token) => runner.RunAsync(result, context => VoiceErrors.RunAsync(context, async () =>
        {
            var path = result.GetValue(wav);

            // A missing microphone is found before any call, so the command fails at once and says why.
            var recorder = path is null ? Microphone.Find() : null;
            using var connection = context.Connect();
            var transcription = new LiveTranscription(context, connection);
            if (path is not null)
            {
                var layout = LocalAudio.Read(path, WavLayout.Of, "a WAV that can be paced ('atom transcribe' takes other formats)");
                var pacer = new RealTimePacer(layout.BytesPerSecond);
                var printer = TranscriptPrinter.OnStandardOutput(context, pacer.Since);
                await context.Error.WriteLineAsync($"Streaming {Path.GetFileName(path)} in real time ({layout.SampleRate} Hz, {(layout.Channels == 1 ? "mono" : $"{layout.Channels} channels")}); Ctrl+C ends it early.").ConfigureAwait(false);
                var audio = AudioSources.PacedWav(path, layout, pacer, context.CancellationToken);
                await transcription.RunAsync(arguments.Config(result, new AudioFormat { Encoding = AudioEncoding.Wav }), audio, printer, CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            using var recording = Microphone.Start(recorder!);
            try
            {
                var pacer = new RealTimePacer(Microphone.BytesPerSecond);
                var printer = TranscriptPrinter.OnStandardOutput(context, pacer.Since);
                await context.Error.WriteLineAsync("Listening; Ctrl+C ends.").ConfigureAwait(false);
                // The recorder is running: its first byte is "now", the point latencies count from.
                _ = pacer.Wait(0);
                var audio = AudioSources.Recorder(recording.StandardOutput.BaseStream, Microphone.ChunkBytes, context.CancellationToken);
                var format = new AudioFormat { Encoding = AudioEncoding.Linear16, SampleRateHertz = Microphone.SampleRate, Channels = 1 };
                await transcription.RunAsync(arguments.Config(result, format), audio, printer, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                if (!recording.HasExited)
                {
                    recording.Kill();
                }
            }

            return ExitCodes.Success;
        }), token));
        return command;
    }
}
