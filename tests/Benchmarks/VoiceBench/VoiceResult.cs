using System.Globalization;
using System.Text;
using System.Text.Json;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.VoiceBench;

/// <summary>A distribution in milliseconds.</summary>
/// <param name="Count">The samples.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="Max">The largest.</param>
public sealed record Percentiles(int Count, double P50, double P95, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? new(0, 0, 0, 0) : new(sorted.Length, At(sorted, 0.5), At(sorted, 0.95), sorted[^1]);
    }

    // Nearest rank: with 20 samples the p95 is the 19th, not an interpolation past what was seen.
    private static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Dictation over one set of utterances.</summary>
/// <param name="Set">librivox, cards (real recordings) or flite-slt (synthesized).</param>
/// <param name="Utterances">The recordings or sentences, each spoken alone with silence around it.</param>
/// <param name="Words">The reference's words.</param>
/// <param name="Errors">Substitutions, insertions and deletions against it.</param>
/// <param name="Wer">Errors over words.</param>
/// <param name="Split">Utterances that came back as more than one final: cut at a pause inside.</param>
/// <param name="Unended">Utterances whose final came only when the stream was completed: no endpoint within the trailing silence.</param>
public sealed record WerFigures(string Set, int Utterances, int Words, int Errors, double Wer, int Split, int Unended);

/// <summary>Command mode over the command set.</summary>
/// <param name="Commands">Spoken commands.</param>
/// <param name="PlainSpeech">Spoken sentences that must be no command.</param>
/// <param name="IntentAccuracy">The share of all of them whose intent (or none) came back right.</param>
/// <param name="CommandsRecognized">The share of the commands whose intent came back right.</param>
/// <param name="FalseCommands">Plain sentences taken for a command.</param>
/// <param name="SlotAccuracy">Of the commands with slots, the share whose every slot (room, query, text) came back exactly.</param>
/// <param name="RoomAccuracy">Of the commands naming a room, the share with that room.</param>
/// <param name="QueryAccuracy">Of the searches, the share with the query word for word.</param>
/// <param name="QueryWer">The searches' query word error rate (an empty query for a missed search).</param>
/// <param name="TextAccuracy">Of the messages with text, the share with the text word for word.</param>
/// <param name="TextWer">Their text's word error rate.</param>
/// <param name="Wrong">What came back wrong: said, heard, recognized.</param>
public sealed record CommandFigures(
    int Commands,
    int PlainSpeech,
    double IntentAccuracy,
    double CommandsRecognized,
    int FalseCommands,
    double SlotAccuracy,
    double RoomAccuracy,
    double QueryAccuracy,
    double QueryWer,
    double TextAccuracy,
    double TextWer,
    List<string> Wrong);

/// <summary>The latencies of one configuration, over every utterance it was given.</summary>
/// <param name="Final">End of speech to the final: the audio from the speech's last sound to the end of the chunk whose Accept call returned the final, plus that call's time.</param>
/// <param name="FinalAudio">The audio part of it: endpointing (the silence waited for) and the chunk's rounding.</param>
/// <param name="FinalCall">The compute part: the Accept call that returned the final (the final pass, and the command passes in command mode).</param>
/// <param name="Partial">Chunk to partial: the Accept call that returned a partial, from the chunk handed in to the partial handed back.</param>
public sealed record LatencyFigures(Percentiles Final, Percentiles FinalAudio, Percentiles FinalCall, Percentiles Partial);

/// <summary>The figures of one recognizer configuration.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Settings">Its settings, as configured.</param>
/// <param name="Dictation">Word error rate per set.</param>
/// <param name="Commands">Command accuracy.</param>
/// <param name="DictationLatency">Latencies over the dictation sets.</param>
/// <param name="CommandLatency">Latencies over the command set.</param>
public sealed record ConfigFigures(string Name, string Settings, List<WerFigures> Dictation, CommandFigures Commands, LatencyFigures DictationLatency, LatencyFigures CommandLatency);

/// <summary>Throughput with concurrent streams.</summary>
/// <param name="Streams">Sessions fed at once, each on its own thread, as fast as they take audio.</param>
/// <param name="AudioSeconds">Audio per stream.</param>
/// <param name="Rtf">Wall time over audio time, per stream: below 1 keeps up with live audio.</param>
/// <param name="TimesRealTime">Audio seconds decoded per wall second over all streams.</param>
/// <param name="CpuPerAudioSecond">The process's CPU seconds per audio second: what waits for a core on a busy machine do not inflate.</param>
public sealed record RtfFigures(int Streams, double AudioSeconds, double Rtf, double TimesRealTime, double CpuPerAudioSecond);

/// <summary>A whole run.</summary>
/// <param name="Setup">What was spoken and how it was fed.</param>
/// <param name="Configs">The figures per configuration.</param>
/// <param name="Throughput">Real-time factors with 1, 2, 4 streams (the first configuration).</param>
/// <param name="Failures">Sessions that threw or answered malformed segments; never time or quality.</param>
/// <param name="Machine">The machine note.</param>
public sealed record VoiceResult(string Setup, List<ConfigFigures> Configs, List<RtfFigures> Throughput, List<string> Failures, string Machine)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static VoiceResult FromJson(string json) => JsonSerializer.Deserialize<VoiceResult>(json) ?? throw new FormatException("not a VoiceBench result");

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Voice: word error rate, commands, latency and real-time factor of the embedded recognizer").AppendLine();
        md.AppendLine(Machine).AppendLine();
        md.AppendLine(Setup).AppendLine();
        foreach (var c in Configs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{c.Name}**: {c.Settings}");
        }

        md.AppendLine();
        ReportFiles.Header(md, "| config | set | utterances | words | WER | split | no endpoint |", 2);
        foreach (var c in Configs)
        {
            foreach (var w in c.Dictation)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {w.Set} | {w.Utterances} | {w.Words} | {w.Wer:P1} | {w.Split} | {w.Unended} |");
            }
        }

        md.AppendLine();
        ReportFiles.Header(md, "| config | commands + plain | intent accuracy | commands recognized | plain taken as commands | slots exact | room | query exact | query WER | text exact | text WER |", 1);
        foreach (var c in Configs)
        {
            var k = c.Commands;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Name} | {k.Commands} + {k.PlainSpeech} | {k.IntentAccuracy:P0} | {k.CommandsRecognized:P0} | {k.FalseCommands} | {k.SlotAccuracy:P0} | {k.RoomAccuracy:P0} | {k.QueryAccuracy:P0} | {k.QueryWer:P0} | {k.TextAccuracy:P0} | {k.TextWer:P0} |");
        }

        md.AppendLine();
        ReportFiles.Header(md, "| config | mode | finals | end of speech → final p50 / p95 ms | of which audio p50 / p95 | final call p50 / p95 | partials | chunk → partial p50 / p95 ms |", 2);
        foreach (var c in Configs)
        {
            foreach (var (mode, l) in new[] { ("dictation", c.DictationLatency), ("commands", c.CommandLatency) })
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {c.Name} | {mode} | {l.Final.Count} | {ReportFiles.Ms(l.Final.P50)} / {ReportFiles.Ms(l.Final.P95)} | {ReportFiles.Ms(l.FinalAudio.P50)} / {ReportFiles.Ms(l.FinalAudio.P95)} | {ReportFiles.Ms(l.FinalCall.P50)} / {ReportFiles.Ms(l.FinalCall.P95)} | {l.Partial.Count} | {ReportFiles.Ms(l.Partial.P50)} / {ReportFiles.Ms(l.Partial.P95)} |");
            }
        }

        md.AppendLine();
        ReportFiles.Header(md, "| streams at once | audio s per stream | RTF per stream | x real time in all | cpu s per audio s |", 0);
        foreach (var r in Throughput)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Streams} | {r.AudioSeconds:F1} | {r.Rtf:F3} | {r.TimesRealTime:F1} | {r.CpuPerAudioSecond:F3} |");
        }

        foreach (var c in Configs.Where(c => c.Commands.Wrong.Count > 0))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Commands wrong with {c.Name}:").AppendLine();
            foreach (var wrong in c.Commands.Wrong)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {wrong}");
            }
        }

        foreach (var failure in Failures)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"FAILED: {failure}");
        }

        return md.ToString();
    }
}
