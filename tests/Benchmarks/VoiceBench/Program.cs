using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Atom.Server.Voice.Recognition;

// The embedded speech recognizer (pocketsphinx) measured through its public API on the LibriVox recordings of Debian's
// pocketsphinx-testdata, fed as fast as it takes them in 100 ms chunks:
//   - real-time factor (decoding time / audio time) per stream with 1, 2 and 4 sessions at once;
//   - latency of a final: the audio from the last word's end to the chunk that produced the final (endpointing), and the
//     time of that Accept call (the final pass).
// Figures, never pass/fail on time.   usage: VoiceBench [--streams 1,2,4] [--rounds 2]
var streams = Option("--streams", "1,2,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var rounds = int.Parse(Option("--rounds", "2"), CultureInfo.InvariantCulture);
const string Dir = "/usr/share/pocketsphinx/test/data/librivox";
var recordings = Directory.GetFiles(Dir, "*.wav").Order(StringComparer.Ordinal).Select(ReadWav).ToArray();
var silence = new short[16000];
var audio = recordings.SelectMany(r => r.Concat(silence)).ToArray();
Console.WriteLine($"VoiceBench: {recordings.Length} LibriVox recordings, {audio.Length / 16000.0:F1} s of audio a stream, {rounds} rounds, {Environment.ProcessorCount} cores");

using var recognizer = new PocketSphinxRecognizer(new SpeechRecognitionOptions { MaxStreams = streams.Max() });
var warm = await recognizer.StartAsync(RecognitionOptions.Dictation);
Feed(warm, audio.AsSpan(0, 32000).ToArray());
await warm.DisposeAsync();

var latencies = new List<(double Audio, double Compute)>();
foreach (var n in streams)
{
    var sessions = new IRecognitionSession[n];
    for (var i = 0; i < n; i++)
    {
        sessions[i] = await recognizer.StartAsync(RecognitionOptions.Dictation);
    }

    var started = Stopwatch.GetTimestamp();
    var results = await Task.WhenAll(sessions.Select(s => Task.Run(() =>
    {
        var found = new List<(double, double)>();
        for (var r = 0; r < rounds; r++)
        {
            found.AddRange(Feed(s, audio));
        }

        return found;
    })));
    var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
    foreach (var s in sessions)
    {
        await s.DisposeAsync();
    }

    latencies.AddRange(results.SelectMany(r => r));
    var rtf = wall / (audio.Length / 16000.0 * rounds);
    Console.WriteLine($"  {n} stream(s) at once: real-time factor {rtf:F3} per stream ({n / rtf:F1}x real time in all)");
}

var byAudio = latencies.Select(l => l.Audio).Order().ToArray();
var byCompute = latencies.Select(l => l.Compute).Order().ToArray();
Console.WriteLine($"  last word to final, audio: p50 {P(byAudio, 0.5):F0} ms, max {byAudio[^1]:F0} ms (EndOfSpeech 500 ms; recordings carry their own trailing silence)");
Console.WriteLine($"  final pass (the Accept call that produced it): p50 {P(byCompute, 0.5):F1} ms, max {byCompute[^1]:F1} ms, over {latencies.Count} finals");
return 0;

static double P(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];

static List<(double Audio, double Compute)> Feed(IRecognitionSession session, short[] samples)
{
    var finals = new List<(double, double)>();
    for (var offset = 0; offset < samples.Length; offset += 1600)
    {
        var n = Math.Min(1600, samples.Length - offset);
        var started = Stopwatch.GetTimestamp();
        var segments = session.Accept(samples.AsSpan(offset, n));
        var compute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        foreach (var s in segments.Where(s => s.IsFinal))
        {
            // Times count from the session's start: this stream's rounds follow one another in it.
            var at = TimeSpan.FromSeconds((offset + n) / 16000.0);
            var end = TimeSpan.FromTicks(s.End.Ticks % TimeSpan.FromSeconds(samples.Length / 16000.0).Ticks);
            finals.Add(((at - end).TotalMilliseconds, compute));
        }
    }

    return finals;
}

static short[] ReadWav(string path)
{
    var bytes = File.ReadAllBytes(path);
    var data = bytes.AsSpan(44); // pocketsphinx-testdata's WAVs have the canonical 44-byte header
    var samples = new short[data.Length / 2];
    for (var i = 0; i < samples.Length; i++)
    {
        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
    }

    return samples;
}

string Option(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
