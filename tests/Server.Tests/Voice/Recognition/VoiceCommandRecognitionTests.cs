using Atom.Server.Voice.Recognition;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// Command mode on real pocketsphinx: commands spoken by flite's slt voice come back as structured intents with the room
/// from the caller's list or the search's free text; plain speech comes back as text without one.
/// </summary>
public sealed class VoiceCommandRecognitionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly RecognitionOptions Commands = new()
    {
        Mode = RecognitionMode.Commands,
        RoomNames = ["Marketing", "Engineering", "Design Review", "Sales"],
    };

    private readonly PocketSphinxRecognizer recognizer = new(new SpeechRecognitionOptions { MaxStreams = 1 });

    public void Dispose() => recognizer.Dispose();

    [Theory]
    [InlineData("summarize marketing", VoiceCommandKind.Summarize, "Marketing", null)]
    [InlineData("send a message to design review", VoiceCommandKind.SendMessage, "Design Review", null)]
    [InlineData("open engineering", VoiceCommandKind.OpenRoom, "Engineering", null)]
    [InlineData("upload a file", VoiceCommandKind.Upload, null, null)]
    [InlineData("search for quarterly sales numbers", VoiceCommandKind.Search, null, "quarterly sales numbers")]
    public async Task A_spoken_command_becomes_an_intent(string spoken, VoiceCommandKind kind, string? room, string? query)
    {
        var audio = TestAudio.Concat(TestAudio.Silence(0.3), TestAudio.Speak(spoken), TestAudio.Silence(1));

        var transcript = await recognizer.TranscribeAsync(audio, Commands);

        var segment = Assert.Single(transcript.Segments);
        output.WriteLine($"said '{spoken}', heard '{segment.Text}': {segment.Command}");
        Assert.NotNull(segment.Command);
        Assert.Equal((kind, room), (segment.Command.Kind, segment.Command.Room));
        if (query is not null)
        {
            // The query's words come from the language model: most of them must be right.
            Assert.InRange(TestAudio.WordErrorRate(query, segment.Command.Query!), 0, 0.34);
        }
    }

    [Theory]
    [InlineData("awb", "search for quarterly report", VoiceCommandKind.Search, null, "quarterly report", null)]
    [InlineData("awb", "cancel", VoiceCommandKind.Cancel, null, null, null)]
    [InlineData("slt", "send a message to engineering saying the build is green", VoiceCommandKind.SendMessage, "Engineering", null, "the build is green")]
    public async Task A_command_is_heard_although_the_language_model_mishears_its_verb(string voice, string spoken, VoiceCommandKind kind, string? room, string? query, string? text)
    {
        // A fresh decoder's first utterance: the language model's live pass normalizes with the model's defaults and hears
        // "search for" as "sargent or", "cancel" as "and soul"; the grammar's pass sees the whole utterance.
        var transcript = await recognizer.TranscribeAsync(TestAudio.Speak(spoken, voice), Commands);

        var segment = Assert.Single(transcript.Segments);
        output.WriteLine($"said '{spoken}' ({voice}), heard '{segment.Text}': {segment.Command}");
        Assert.Equal(new VoiceCommand(kind, room, query, spoken, text), segment.Command);
    }

    [Fact]
    public async Task A_short_pause_ends_a_finished_command_and_not_an_unfinished_one()
    {
        // Longer than EndOfSpeech (250 ms), shorter than MidSentencePause (500 ms).
        var pause = TestAudio.Silence(0.4);
        var audio = TestAudio.Concat(
            TestAudio.Silence(0.5), TestAudio.Trim(TestAudio.Speak("open sales")), pause, TestAudio.Trim(TestAudio.Speak("summarize engineering")), TestAudio.Silence(1.2),
            TestAudio.Trim(TestAudio.Speak("send a message to engineering saying")), pause, TestAudio.Trim(TestAudio.Speak("the build is green")), TestAudio.Silence(1.2));
        await using var session = await recognizer.StartAsync(Commands);

        var finals = TestAudio.Stream(session, audio).Select(s => s.Segment.Value).Where(s => s.IsFinal).ToList();
        finals.AddRange(await session.CompleteAsync());

        output.WriteLine(string.Join("\n", finals.Select(f => $"{f.Text}: {f.Command}")));
        Assert.Equal(
            [(VoiceCommandKind.OpenRoom, "Sales"), (VoiceCommandKind.Summarize, "Engineering"), (VoiceCommandKind.SendMessage, "Engineering")],
            finals.Select(s => (s.Command!.Kind, s.Command.Room!)));
        // The text's words come from the language model ("the bell does green"): the pause did not cut it off.
        Assert.EndsWith("green", finals[2].Command!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_speech_in_command_mode_is_text_without_a_command()
    {
        var speech = TestAudio.Librivox()[4].Samples;

        var transcript = await recognizer.TranscribeAsync(TestAudio.Concat(speech, TestAudio.Silence(1)), Commands);

        var segment = Assert.Single(transcript.Segments);
        output.WriteLine($"heard '{segment.Text}': {segment.Command}");
        Assert.Null(segment.Command);
        Assert.Contains("amiable", segment.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_in_one_stream_each_get_their_intent_and_times()
    {
        var audio = TestAudio.Concat(
            TestAudio.Silence(0.5), TestAudio.Speak("open sales"), TestAudio.Silence(1.2), TestAudio.Speak("summarize engineering"), TestAudio.Silence(1.2));
        await using var session = await recognizer.StartAsync(Commands);

        var finals = TestAudio.Stream(session, audio).Select(s => s.Segment.Value).Where(s => s.IsFinal).ToList();
        finals.AddRange(await session.CompleteAsync());

        Assert.Equal([(VoiceCommandKind.OpenRoom, "Sales"), (VoiceCommandKind.Summarize, "Engineering")], finals.Select(s => (s.Command!.Kind, s.Command.Room!)));
        Assert.True(finals[0].End < finals[1].Start, $"{finals[0]} then {finals[1]}");
    }
}
