using System.Globalization;
using Atom.Benchmarks.Shared;
using Atom.Benchmarks.VoiceBench;
using Atom.Server.Voice.Recognition;

// The embedded speech recognizer (pocketsphinx) measured in one process through its public API (tests/Benchmarks/README.md,
// "Voice"):
//   run      per configuration (--end-of-speech 500,250 makes two): word error rate on real recordings (pocketsphinx-testdata)
//            and on flite's speech, command accuracy (intent and slots) on flite's commands, latency from the end of speech
//            to the final and from a chunk to its partial; then the real-time factor with 1, 2 and 4 streams at once
//   report   the tables of a run's JSON into PREFIX.{md,json}, with the machine note
// Figures, never pass/fail on time or quality: the exit code is 1 only when a session failed or answered a malformed
// segment; 2 for bad arguments.
ToolArguments arguments;
int[] streams, endOfSpeech;
try
{
    arguments = ToolArguments.Parse(
        args,
        new HashSet<string> { "--streams", "--rounds", "--every", "--chunk-ms", "--end-of-speech", "--voice", "--flite-cache", "--out", "--result", "--report", "--machine" },
        new HashSet<string>());
    streams = arguments.IntList("--streams", "1,2,4");
    endOfSpeech = arguments.IntList("--end-of-speech", ((int)new SpeechRecognitionOptions().EndOfSpeech.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
    if (arguments.Command is not ("run" or "report") || streams.Any(s => s < 1) || endOfSpeech.Any(e => e is < 100 or > 10000)
        || arguments.Int("--every", 1) < 1 || arguments.Int("--rounds", 2) < 1 || arguments.Int("--chunk-ms", 100) is < 10 or > 1000)
    {
        throw new ArgumentException(arguments.Command is not ("run" or "report") ? $"unknown command '{arguments.Command}'" : "a value is out of range");
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: VoiceBench run [--end-of-speech 500,250 (ms, one configuration each)] [--streams 1,2,4] [--rounds 2] [--every 1]");
    Console.Error.WriteLine("         [--chunk-ms 100] [--voice slt] [--flite-cache DIR] [--out FILE]");
    Console.Error.WriteLine("       VoiceBench report --result FILE --report PREFIX [--machine TEXT]");
    return 2;
}

VoiceResult result;
if (arguments.Command == "report")
{
    result = VoiceResult.FromJson(await File.ReadAllTextAsync(arguments.Text("--result", "latest-run.json"))) with { Machine = arguments.Text("--machine", string.Empty) };
    ReportFiles.Write(arguments.Text("--report", "latest"), result.ToMarkdown(), result.ToJson());
    return result.Failures.Count == 0 ? 0 : 1;
}

var cache = arguments.Text("--flite-cache", Path.Combine(Path.GetTempPath(), "atom-voicebench-flite"));
Directory.CreateDirectory(cache);
var configs = endOfSpeech.Select(ms => new BenchConfig(
    $"end of speech {ms} ms",
    new SpeechRecognitionOptions { MaxStreams = streams.Max(), EndOfSpeech = TimeSpan.FromMilliseconds(ms) })).ToList();
var settings = new RunSettings(configs, streams, arguments.Int("--rounds", 2), arguments.Int("--every", 1), arguments.Int("--chunk-ms", 100), cache, arguments.Text("--voice", "slt"));
result = await VoiceRun.RunAsync(settings, Console.Out) with { Machine = $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}." };
await ReportFiles.WriteResultAsync(arguments.Value("--out"), asJson: false, result.ToJson(), Environment.NewLine + result.ToMarkdown());
return result.Failures.Count == 0 ? 0 : 1;
