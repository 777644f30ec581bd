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
        Assert.Contains("public <command> = <search> | <sendmessage> | <summarize> | <openroom> | <upload> | <cancel>;", jsgf, StringComparison.Ordinal);
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
    [InlineData("summarize dev ops", "summarize dev ops", VoiceCommandKind.Summarize, "Dev-Ops", null)]
    [InlineData("send a message to marketing", "send a message to marketing", VoiceCommandKind.SendMessage, "Marketing", null)]
    [InlineData("go to marketing", "go to market", VoiceCommandKind.OpenRoom, "Marketing", null)]
    [InlineData("go to marketing", "belt to marketing", VoiceCommandKind.OpenRoom, "Marketing", null)]
    [InlineData("search for budget report", "search for the budget report", VoiceCommandKind.Search, null, "budget report")]
    [InlineData("upload a file", "upload a while", VoiceCommandKind.Upload, null, null)]
    [InlineData("never mind", "never mine", VoiceCommandKind.Cancel, null, null)]
    public void A_recognized_command_becomes_an_intent(string recognized, string heard, VoiceCommandKind kind, string? room, string? query)
    {
        var command = Grammar("Marketing", "Dev-Ops").Parse(recognized, heard);

        Assert.Equal(new VoiceCommand(kind, room, query, recognized), command);
    }

    [Theory]
    [InlineData("summarize marketing", "what a lovely day")] // the grammar forced it; the language model heard no verb
    [InlineData("summarize lounge", "summarize lounge")] // no such room
    [InlineData("upload marketing", "upload marketing")] // upload takes no room
    [InlineData("go to marketing", "the marketing meeting ran long today")] // the room, but in a sentence
    public void Anything_else_is_no_command(string recognized, string heard) =>
        Assert.Null(Grammar("Marketing").Parse(recognized, heard));
}
