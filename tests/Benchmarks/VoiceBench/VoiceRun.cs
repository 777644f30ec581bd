using System.Diagnostics;
using System.Globalization;
using Atom.Server.Voice.Recognition;

namespace Atom.Benchmarks.VoiceBench;

/// <summary>A recognizer configuration to measure.</summary>
/// <param name="Name">Its label in the report.</param>
/// <param name="Options">The recognizer's settings.</param>
public sealed record BenchConfig(string Name, SpeechRecognitionOptions Options)
{
    /// <summary>The settings that matter here, as they would be configured.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"EndOfSpeech {Options.EndOfSpeech.TotalMilliseconds:F0} ms, MidSentencePause {Options.MidSentencePause.TotalMilliseconds:F0} ms, PartialInterval {Options.PartialInterval.TotalMilliseconds:F0} ms, AccurateFinals {Options.PocketSphinx.AccurateFinals}");
}

/// <summary>What to run.</summary>
/// <param name="Configs">The configurations, each with room for the most streams; the first one also gives the throughput figures.</param>
/// <param name="Streams">Concurrent streams for the real-time factor.</param>
/// <param name="Rounds">Times each throughput stream goes through the LibriVox recordings.</param>
/// <param name="Every">Every n-th recording, sentence and command (1: all of them), for a smoke run.</param>
/// <param name="ChunkMs">The audio handed to each Accept call, as a live client sends it.</param>
/// <param name="FliteDirectory">Where flite's WAV files are cached.</param>
/// <param name="Voice">The flite voice.</param>
public sealed record RunSettings(IReadOnlyList<BenchConfig> Configs, int[] Streams, int Rounds, int Every, int ChunkMs, string FliteDirectory, string Voice);

/// <summary>
/// The measurements, through <see cref="PocketSphinxRecognizer"/>'s public API as the voice service calls it: each utterance in
/// its own session, fed chunk by chunk with silence around it (0.3 s before, 1.2 s after), timing each Accept call.
/// </summary>
public sealed class VoiceRun(RunSettings settings, TextWriter log)
{
    private const double LeadSeconds = 0.3;
    private const double TrailSeconds = 1.2;

    private readonly List<string> failures = [];

    public static Task<VoiceResult> RunAsync(RunSettings settings, TextWriter log) => new VoiceRun(settings, log).RunAsync();

    private async Task<VoiceResult> RunAsync()
    {
        var librivox = VoiceSets.Every(SpeechFixtures.Transcribed(Path.Combine(SpeechFixtures.TestData, "librivox")), settings.Every);
        var cards = VoiceSets.Every(SpeechFixtures.Transcribed(Path.Combine(SpeechFixtures.TestData, "cards"), "cards.transcription"), settings.Every);
        var sentences = VoiceSets.Every(VoiceSets.Sentences, settings.Every).Select(s => (Name: s, Samples: Speak(s), Reference: s)).ToArray();
        var commands = VoiceSets.Every(VoiceSets.Commands, settings.Every).Select(c => (Case: c, Samples: Speak(c.Said))).ToArray();
        var sets = new[] { ("librivox", librivox), ("cards", cards), ($"flite-{settings.Voice}", (IReadOnlyList<(string, short[], string)>)sentences) };
        var setup = string.Create(
            CultureInfo.InvariantCulture,
            $"Real speech: pocketsphinx-testdata's LibriVox ({librivox.Length} read sentences) and cards ({cards.Length} short phrases) recordings with their transcripts. "
            + $"Synthesized: {sentences.Length} chat sentences and {commands.Length} commands ({commands.Count(c => c.Case.Kind is null)} of them plain speech that must stay no command) spoken by flite's {settings.Voice} voice; rooms {string.Join(", ", VoiceSets.Rooms)} as room names and phrase hints. "
            + $"Each utterance in its own session with {LeadSeconds} s of silence before and {TrailSeconds} s after, fed in {settings.ChunkMs} ms chunks as fast as they are taken; the end of speech is the last 10 ms within 35 dB of the utterance's loudest. "
            + $"Throughput: the {librivox.Length} LibriVox recordings with 1 s of silence after each, {settings.Rounds} round(s) a stream.");
        log.WriteLine(setup);

        var configs = new List<ConfigFigures>();
        foreach (var config in settings.Configs)
        {
            using var recognizer = new PocketSphinxRecognizer(config.Options);
            await WarmAsync(recognizer, librivox[0].Samples);
            var dictation = new List<WerFigures>();
            var dictationLatency = new LatencySamples();
            foreach (var (name, utterances) in sets)
            {
                int errors = 0, words = 0, split = 0, unended = 0;
                foreach (var (id, samples, reference) in utterances)
                {
                    var heard = await ListenAsync(recognizer, RecognitionOptions.Dictation, samples, dictationLatency, $"{config.Name} {name} {id}");
                    var (e, w) = SpeechFixtures.WordErrors(reference, string.Join(' ', heard.Finals.Select(f => f.Text)));
                    (errors, words) = (errors + e, words + w);
                    split += heard.Finals.Count > 1 ? 1 : 0;
                    unended += heard.Ended ? 0 : 1;
                }

                dictation.Add(new WerFigures(name, utterances.Count, words, errors, words == 0 ? 0 : (double)errors / words, split, unended));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {config.Name} {name}: WER {(words == 0 ? 0 : (double)errors / words):P1} over {words} words, {split} split, {unended} without an endpoint"));
            }

            var commandLatency = new LatencySamples();
            var heardCommands = new List<(CommandCase Case, VoiceCommand? Command, string Heard)>();
            foreach (var (command, samples) in commands)
            {
                var heard = await ListenAsync(recognizer, VoiceSets.CommandOptions, samples, commandLatency, $"{config.Name} command '{command.Said}'");
                heardCommands.Add((command, heard.Finals.Select(f => f.Command).FirstOrDefault(c => c is not null), string.Join(" | ", heard.Finals.Select(f => f.Text))));
            }

            var commandFigures = Score(heardCommands);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {config.Name} commands: intent {commandFigures.IntentAccuracy:P0}, slots {commandFigures.SlotAccuracy:P0}"));
            configs.Add(new ConfigFigures(config.Name, config.Describe(), dictation, commandFigures, dictationLatency.Figures(), commandLatency.Figures()));
        }

        var throughput = await ThroughputAsync(settings.Configs[0].Options, librivox);
        return new VoiceResult(setup, configs, throughput, failures, string.Empty);
    }

    private static CommandFigures Score(List<(CommandCase Case, VoiceCommand? Command, string Heard)> heard)
    {
        var commands = heard.Where(h => h.Case.Kind is not null).ToList();
        var plain = heard.Count - commands.Count;
        var intentRight = heard.Where(h => h.Command?.Kind == h.Case.Kind).ToList();
        bool SameWords(string? expected, string? got) => string.Join(' ', SpeechFixtures.Words(expected ?? string.Empty)) == string.Join(' ', SpeechFixtures.Words(got ?? string.Empty));
        bool SlotsRight((CommandCase Case, VoiceCommand? Command, string Heard) h) =>
            h.Command?.Kind == h.Case.Kind && h.Command?.Room == h.Case.Room && SameWords(h.Case.Query, h.Command?.Query) && SameWords(h.Case.Text, h.Command?.Text);
        double Share<T>(List<T> of, Func<T, bool> right) => of.Count == 0 ? 0 : (double)of.Count(right) / of.Count;
        double Wer(List<(string Expected, string? Got)> of)
        {
            var (errors, words) = of.Select(p => SpeechFixtures.WordErrors(p.Expected, p.Got ?? string.Empty)).Aggregate((0, 0), (a, b) => (a.Item1 + b.Errors, a.Item2 + b.Words));
            return words == 0 ? 0 : (double)errors / words;
        }

        var withSlots = commands.Where(h => h.Case.Room is not null || h.Case.Query is not null || h.Case.Text is not null).ToList();
        var rooms = commands.Where(h => h.Case.Room is not null).ToList();
        var queries = commands.Where(h => h.Case.Query is not null).ToList();
        var texts = commands.Where(h => h.Case.Text is not null).ToList();
        return new CommandFigures(
            commands.Count,
            plain,
            (double)intentRight.Count / Math.Max(1, heard.Count),
            Share(commands, h => h.Command?.Kind == h.Case.Kind),
            heard.Count(h => h.Case.Kind is null && h.Command is not null),
            Share(withSlots, SlotsRight),
            Share(rooms, h => h.Command?.Room == h.Case.Room),
            Share(queries, h => SameWords(h.Case.Query, h.Command?.Query)),
            Wer([.. queries.Select(h => (h.Case.Query!, h.Command?.Query))]),
            Share(texts, h => SameWords(h.Case.Text, h.Command?.Text)),
            Wer([.. texts.Select(h => (h.Case.Text!, h.Command?.Text))]),
            [.. heard.Where(h => !SlotsRight(h)).Select(h => $"said \"{h.Case.Said}\", heard \"{h.Heard}\": {(h.Command is { } c ? Describe(c) : "no command")}")]);
    }

    private static string Describe(VoiceCommand c) =>
        $"{c.Kind}{(c.Room is null ? string.Empty : $" room={c.Room}")}{(c.Query is null ? string.Empty : $" query=\"{c.Query}\"")}{(c.Text is null ? string.Empty : $" text=\"{c.Text}\"")}";

    private short[] Speak(string text) => SpeechFixtures.Speak(text, settings.Voice, settings.FliteDirectory);

    // Every decoder of the pool made and used once: their creation (about half a second) and the first utterance of a fresh
    // decoder, whose live normalization starts from the model's defaults, are not what a running server's sessions meet.
    private static async Task WarmAsync(PocketSphinxRecognizer recognizer, short[] speech)
    {
        var sessions = new List<IRecognitionSession>();
        for (var i = 0; i < recognizer.MaxStreams; i++)
        {
            sessions.Add(await recognizer.StartAsync(RecognitionOptions.Dictation));
        }

        foreach (var session in sessions)
        {
            session.Accept(speech);
            await session.CompleteAsync();
            await session.DisposeAsync();
        }
    }

    // One utterance in its own session: its finals, whether one came at an endpoint, and the latencies into samples.
    private async Task<(List<TranscriptSegment> Finals, bool Ended)> ListenAsync(
        PocketSphinxRecognizer recognizer, RecognitionOptions options, short[] speech, LatencySamples latency, string what)
    {
        var lead = (int)(LeadSeconds * SpeechFixtures.SampleRate);
        var audio = new short[lead + speech.Length + (int)(TrailSeconds * SpeechFixtures.SampleRate)];
        speech.CopyTo(audio, lead);
        var speechEnd = lead + SpeechFixtures.SpeechBounds(speech).End;
        var chunk = settings.ChunkMs * SpeechFixtures.SampleRate / 1000;
        var finals = new List<TranscriptSegment>();
        (double Audio, double Call)? endpoint = null;
        try
        {
            await using var session = await recognizer.StartAsync(options);
            for (var offset = 0; offset < audio.Length; offset += chunk)
            {
                var n = Math.Min(chunk, audio.Length - offset);
                var started = Stopwatch.GetTimestamp();
                var segments = session.Accept(audio.AsSpan(offset, n));
                var call = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                foreach (var segment in segments)
                {
                    Check(segment, audio.Length, what);
                    if (!segment.IsFinal)
                    {
                        latency.Partial.Add(call);
                        continue;
                    }

                    finals.Add(segment);
                    var at = offset + n;
                    if (at >= speechEnd)
                    {
                        endpoint ??= ((at - speechEnd) * 1000.0 / SpeechFixtures.SampleRate, call);
                    }
                }
            }

            foreach (var segment in await session.CompleteAsync())
            {
                Check(segment, audio.Length, what);
                finals.Add(segment);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or RecognitionUnavailableException or RecognizerBusyException)
        {
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
        }

        if (endpoint is { } found)
        {
            latency.FinalAudio.Add(found.Audio);
            latency.FinalCall.Add(found.Call);
            latency.Final.Add(found.Audio + found.Call);
        }

        return (finals, endpoint is not null);
    }

    private void Check(TranscriptSegment segment, int samples, string what)
    {
        var duration = TimeSpan.FromSeconds(samples / (double)SpeechFixtures.SampleRate);
        if (segment.Text.Trim().Length == 0 || segment.Start > segment.End || segment.End > duration + TimeSpan.FromMilliseconds(10))
        {
            failures.Add($"{what}: malformed segment {segment} (audio {duration.TotalSeconds:F2} s)");
        }
    }

    private async Task<List<RtfFigures>> ThroughputAsync(SpeechRecognitionOptions options, (string Name, short[] Samples, string Reference)[] recordings)
    {
        var silence = new short[SpeechFixtures.SampleRate];
        var audio = recordings.SelectMany(r => r.Samples.Concat(silence)).ToArray();
        var seconds = audio.Length / (double)SpeechFixtures.SampleRate * settings.Rounds;
        var chunk = settings.ChunkMs * SpeechFixtures.SampleRate / 1000;
        using var recognizer = new PocketSphinxRecognizer(options);
        await WarmAsync(recognizer, recordings[0].Samples);
        var figures = new List<RtfFigures>();
        using var process = Process.GetCurrentProcess();
        foreach (var n in settings.Streams)
        {
            var sessions = new IRecognitionSession[n];
            for (var i = 0; i < n; i++)
            {
                sessions[i] = await recognizer.StartAsync(RecognitionOptions.Dictation);
            }

            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(sessions.Select(s => Task.Run(() =>
            {
                for (var r = 0; r < settings.Rounds; r++)
                {
                    for (var offset = 0; offset < audio.Length; offset += chunk)
                    {
                        s.Accept(audio.AsSpan(offset, Math.Min(chunk, audio.Length - offset)));
                    }
                }
            })));
            var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }

            var rtf = wall / seconds;
            figures.Add(new RtfFigures(n, seconds, rtf, n / rtf, cpuSeconds / (seconds * n)));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n} stream(s) at once: real-time factor {rtf:F3} per stream ({n / rtf:F1}x real time in all), {cpuSeconds / (seconds * n):F3} cpu s per audio s"));
        }

        return figures;
    }

    private sealed class LatencySamples
    {
        public List<double> Final { get; } = [];

        public List<double> FinalAudio { get; } = [];

        public List<double> FinalCall { get; } = [];

        public List<double> Partial { get; } = [];

        public LatencyFigures Figures() => new(Percentiles.Of(Final), Percentiles.Of(FinalAudio), Percentiles.Of(FinalCall), Percentiles.Of(Partial));
    }
}
