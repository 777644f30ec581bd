using Atom.Server.Voice.Recognition;

namespace Atom.Benchmarks.VoiceBench;

/// <summary>A spoken command and what it should come back as; <see cref="Kind"/> null for plain speech, which should be no command.</summary>
/// <param name="Said">The words flite speaks.</param>
/// <param name="Kind">The intent.</param>
/// <param name="Room">The room, as given in the room list.</param>
/// <param name="Query">A search's query.</param>
/// <param name="Text">A message's text.</param>
public sealed record CommandCase(string Said, VoiceCommandKind? Kind, string? Room = null, string? Query = null, string? Text = null);

/// <summary>What is spoken to the recognizer: the recordings, the sentences and the commands.</summary>
public static class VoiceSets
{
    /// <summary>The rooms the speaker may name: the session's room list and phrase hints, as the voice API passes them.</summary>
    public static readonly string[] Rooms = ["Marketing", "Engineering", "Design Review", "Sales", "General", "Support", "Finance", "Product Launch"];

    /// <summary>Plain sentences of a team's chat, for the word error rate of synthesized dictation (and, spoken as commands, as non-commands).</summary>
    public static readonly string[] Sentences =
    [
        "the weather was lovely this morning",
        "i think we should meet again next week",
        "please remember to water the plants",
        "the train was late again today",
        "our team finished the project early",
        "can you review the pull request before lunch",
        "the customer asked for a refund on their last order",
        "we need more time to test the new release",
        "the meeting has been moved to thursday afternoon",
        "she will present the results to the board",
        "the server was restarted after the update",
        "let us order pizza for the whole office",
        "the report shows that sales grew by ten percent",
        "he forgot his keys at home again",
        "the printer on the second floor is broken",
        "thank you for your help with the budget",
    ];

    /// <summary>Commands across the intents, with the rooms above; the last ones are plain speech that must stay no command.</summary>
    public static readonly CommandCase[] Commands =
    [
        new("search for quarterly report", VoiceCommandKind.Search, Query: "quarterly report"),
        new("search for the budget meeting notes", VoiceCommandKind.Search, Query: "the budget meeting notes"),
        new("find the onboarding checklist", VoiceCommandKind.Search, Query: "the onboarding checklist"),
        new("search for customer feedback", VoiceCommandKind.Search, Query: "customer feedback"),
        new("search invoices from last month", VoiceCommandKind.Search, Query: "invoices from last month"),
        new("find the release plan", VoiceCommandKind.Search, Query: "the release plan"),
        new("search for holiday schedule", VoiceCommandKind.Search, Query: "holiday schedule"),
        new("find messages about the outage", VoiceCommandKind.Search, Query: "messages about the outage"),
        new("send a message to marketing saying the draft is ready", VoiceCommandKind.SendMessage, "Marketing", Text: "the draft is ready"),
        new("send a message to engineering saying the build is green", VoiceCommandKind.SendMessage, "Engineering", Text: "the build is green"),
        new("post to sales saying we closed the deal", VoiceCommandKind.SendMessage, "Sales", Text: "we closed the deal"),
        new("send message to support saying i will call the customer", VoiceCommandKind.SendMessage, "Support", Text: "i will call the customer"),
        new("send a message to general saying lunch is here", VoiceCommandKind.SendMessage, "General", Text: "lunch is here"),
        new("post to finance saying the invoice was paid", VoiceCommandKind.SendMessage, "Finance", Text: "the invoice was paid"),
        new("send a message to design review", VoiceCommandKind.SendMessage, "Design Review"),
        new("post to product launch saying the date moved to friday", VoiceCommandKind.SendMessage, "Product Launch", Text: "the date moved to friday"),
        new("summarize marketing", VoiceCommandKind.Summarize, "Marketing"),
        new("summarize room engineering", VoiceCommandKind.Summarize, "Engineering"),
        new("summary of sales", VoiceCommandKind.Summarize, "Sales"),
        new("summarize design review", VoiceCommandKind.Summarize, "Design Review"),
        new("summarize support", VoiceCommandKind.Summarize, "Support"),
        new("summary of finance", VoiceCommandKind.Summarize, "Finance"),
        new("open engineering", VoiceCommandKind.OpenRoom, "Engineering"),
        new("go to sales", VoiceCommandKind.OpenRoom, "Sales"),
        new("switch to general", VoiceCommandKind.OpenRoom, "General"),
        new("open room marketing", VoiceCommandKind.OpenRoom, "Marketing"),
        new("go to design review", VoiceCommandKind.OpenRoom, "Design Review"),
        new("open product launch", VoiceCommandKind.OpenRoom, "Product Launch"),
        new("switch to support", VoiceCommandKind.OpenRoom, "Support"),
        new("upload a file", VoiceCommandKind.Upload),
        new("upload file", VoiceCommandKind.Upload),
        new("upload", VoiceCommandKind.Upload),
        new("cancel", VoiceCommandKind.Cancel),
        new("stop", VoiceCommandKind.Cancel),
        new("never mind", VoiceCommandKind.Cancel),
        new("the weather was lovely this morning", null),
        new("i think we should meet again next week", null),
        new("please remember to water the plants", null),
        new("the train was late again today", null),
        new("our team finished the project early", null),
        new("the marketing meeting ran long today", null),
    ];

    /// <summary>The command mode's options: the rooms as room names and as phrase hints, as the voice API passes them.</summary>
    public static readonly RecognitionOptions CommandOptions = new() { Mode = RecognitionMode.Commands, RoomNames = Rooms, PhraseHints = Rooms };

    /// <summary>Every <paramref name="step"/>-th item (all of them for 1): a smaller set for a smoke run that still spans every kind.</summary>
    public static T[] Every<T>(IReadOnlyList<T> items, int step) => [.. items.Where((_, i) => i % step == 0)];
}
