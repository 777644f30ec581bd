using Atom.Server.Voice.Recognition;
using Atom.Server.Voice.Recognition.Internal;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>The command grammar's JSGF and the parse of what it recognized, without audio.</summary>
public sealed class CommandGrammarTests
{
    private static readonly HashSet<string> Dictionary = ["marketing", "dev", "ops", "general", "budget", "report", "the"];

    private static CommandGrammar Grammar(params string[] rooms) =>
        CommandGrammar.Create(new RecognitionOptions { Mode = RecognitionMode.Commands, RoomNames = rooms, PhraseHints = ["Budget"] }, Dictionary.Contains);

    [Fact]
    public void Rooms_the_dictionary_can_say_and_the_heard_words_make_the_grammar()
    {
        var jsgf = Grammar("Marketing", "Dev-Ops", "Zxqv Lounge").Jsgf(["search for the report"]);

        Assert.Contains("<room> = marketing | dev ops;", jsgf, StringComparison.Ordinal);
        Assert.Contains("<query> = (search | for | the | report | budget)+;", jsgf, StringComparison.Ordinal);
        Assert.Contains("<summarize> = (summarize room | summarize | summary of) <room>;", jsgf, StringComparison.Ordinal);
        Assert.Contains("<sendmessage> = (send a message to | send message to | post to) <room> [saying <query>];", jsgf, StringComparison.Ordinal);
        // The heard words are a sentence of their own, so plain speech need not be forced onto a command.
        Assert.Contains("public <command> = <search> | <sendmessage> | <summarize> | <openroom> | <upload> | <cancel> | <query>;", jsgf, StringComparison.Ordinal);
        Assert.DoesNotContain("zxqv", jsgf, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_rooms_or_heard_words_their_commands_are_left_out()
    {
        var jsgf = CommandGrammar.Create(new RecognitionOptions { Mode = RecognitionMode.Commands }, Dictionary.Contains).Jsgf([]);

        Assert.Contains("public <command> = <upload> | <cancel>;", jsgf, StringComparison.Ordinal);
        Assert.DoesNotContain("<room>", jsgf, StringComparison.Ordinal);
        Assert.DoesNotContain("<query>", jsgf, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("summarize dev ops", VoiceCommandKind.Summarize, "Dev-Ops", null, null)]
    [InlineData("send a message to marketing", VoiceCommandKind.SendMessage, "Marketing", null, null)]
    [InlineData("post to dev ops saying the budget report is late", VoiceCommandKind.SendMessage, "Dev-Ops", null, "the budget report is late")]
    [InlineData("go to marketing", VoiceCommandKind.OpenRoom, "Marketing", null, null)]
    [InlineData("search for budget report", VoiceCommandKind.Search, null, "budget report", null)]
    [InlineData("upload a file", VoiceCommandKind.Upload, null, null, null)]
    [InlineData("never mind", VoiceCommandKind.Cancel, null, null, null)]
    public void A_recognized_command_becomes_an_intent(string recognized, VoiceCommandKind kind, string? room, string? query, string? text)
    {
        var command = Grammar("Marketing", "Dev-Ops").Parse(recognized);

        Assert.Equal(new VoiceCommand(kind, room, query, recognized, text), command);
    }

    [Theory]
    [InlineData("what a lovely day")] // the heard words won over every command
    [InlineData("summarize lounge")] // no such room
    [InlineData("upload marketing")] // upload takes no room
    [InlineData("send a message to lounge saying hello")]
    [InlineData("the marketing meeting ran long today")] // the room, but in a sentence
    public void Anything_else_is_no_command(string recognized) =>
        Assert.Null(Grammar("Marketing").Parse(recognized));

    [Theory]
    [InlineData("go to marketing", "go to market", VoiceCommandKind.OpenRoom, "Marketing")]
    [InlineData("go to marketing", "belt to marketing", VoiceCommandKind.OpenRoom, "Marketing")]
    [InlineData("upload a file", "upload a while", VoiceCommandKind.Upload, null)]
    public void A_forced_command_backed_by_the_language_model_counts(string recognized, string heard, VoiceCommandKind kind, string? room) =>
        Assert.Equal(new VoiceCommand(kind, room, null, recognized), Grammar("Marketing").Parse(recognized, heard));

    [Theory]
    [InlineData("summarize marketing", "what a lovely day")] // the language model heard no verb
    [InlineData("go to marketing", "the marketing meeting ran long today")] // the room, but in a sentence
    public void A_forced_command_the_language_model_does_not_back_is_none(string recognized, string heard) =>
        Assert.Null(Grammar("Marketing").Parse(recognized, heard));

    [Fact]
    public void The_forcing_grammar_leaves_the_heard_words_out()
    {
        var jsgf = Grammar("Marketing").Jsgf(["go to market"], heardCompetes: false);

        Assert.Contains("public <command> = <search> | <sendmessage> | <summarize> | <openroom> | <upload> | <cancel>;", jsgf, StringComparison.Ordinal);
    }
}
