using System.Text;
using System.Text.RegularExpressions;

namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// The voice command grammar of one session, as JSGF for pocketsphinx, and the parse of what it recognized into a
/// <see cref="VoiceCommand"/>.
/// </summary>
/// <remarks>
/// A closed grammar cannot hold free text, yet "search for X" has some and "summarize ROOM" names a room only the caller
/// knows. So the grammar is built per utterance: its rooms are the session's <see cref="RecognitionOptions.RoomNames"/> (the words
/// the dictionary knows), and a search's query (or a message's text) is one or more of the words the general language model
/// heard in the same utterance (plus the phrase hints). The second pass over the same audio then chooses the command with a
/// grammar's accuracy (about 5% WER against 25-30%) while the query keeps the language model's words. A grammar forces every
/// utterance onto one of its sentences, so the heard words themselves are one more sentence of it: plain speech is matched by
/// what the language model heard and parses as no command. The verb need not be among the heard words: the language model's
/// pass is live and normalizes with what the decoder heard before (on a fresh decoder, a model-wide default), so it often
/// mishears an utterance's first word, while the grammar's pass sees the whole utterance and normalizes over it. Where the heard
/// words win, a pass without them forces a command, which counts only where the language model backs it (its verb, or its room
/// with little else: short verbs are what it gets wrong).
/// </remarks>
internal sealed partial class CommandGrammar
{
    private static readonly CommandPhrases[] Commands =
    [
        new(VoiceCommandKind.Search, Slot.Query, ["search for", "search", "find"], ["search", "find"]),
        new(VoiceCommandKind.SendMessage, Slot.RoomAndText, ["send a message to", "send message to", "post to"], ["send", "message", "post"]),
        new(VoiceCommandKind.Summarize, Slot.Room, ["summarize room", "summarize", "summary of"], ["summarize", "summary"]),
        new(VoiceCommandKind.OpenRoom, Slot.Room, ["open room", "open", "go to", "switch to"], ["open", "go", "switch"]),
        new(VoiceCommandKind.Upload, Slot.None, ["upload a file", "upload file", "upload"], ["upload"]),
        new(VoiceCommandKind.Cancel, Slot.None, ["cancel", "stop", "never mind"], ["cancel", "stop", "never"]),
    ];

    // Room phrase (lower-case dictionary words) to the room's name as given.
    private readonly Dictionary<string, string> rooms;
    private readonly string[] hintWords;

    private CommandGrammar(Dictionary<string, string> rooms, string[] hintWords)
    {
        this.rooms = rooms;
        this.hintWords = hintWords;
    }

    // What introduces a message's text after its room: "send a message to sales saying on my way".
    private const string Saying = "saying";

    private enum Slot
    {
        None,
        Room,
        RoomAndText,
        Query,
    }

    /// <summary>The grammar for a session's rooms and hints; rooms with a word the dictionary lacks cannot be said and are left out.</summary>
    public static CommandGrammar Create(RecognitionOptions options, Func<string, bool> known)
    {
        var rooms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var room in options.RoomNames)
        {
            var words = Words(room);
            if (words.Count > 0 && words.All(known))
            {
                rooms.TryAdd(string.Join(' ', words), room);
            }
        }

        var hints = options.PhraseHints.SelectMany(Words).Where(known).Distinct().ToArray();
        return new CommandGrammar(rooms, hints);
    }

    /// <summary>The JSGF for an utterance in which the language model heard <paramref name="heard"/>.</summary>
    /// <param name="heard">What the language model heard.</param>
    /// <param name="heardCompetes">Whether the heard words are a sentence of the grammar too; without them, the grammar forces a command.</param>
    public string Jsgf(IEnumerable<string> heard, bool heardCompetes = true)
    {
        var query = heard.SelectMany(Words).Concat(hintWords).Distinct().ToArray();
        var jsgf = new StringBuilder("#JSGF V1.0;\ngrammar atom;\n");
        var rules = new List<string>();
        foreach (var command in Commands)
        {
            var slot = command.Slot switch
            {
                Slot.Room or Slot.RoomAndText when rooms.Count == 0 => null,
                Slot.Room => " <room>",
                Slot.RoomAndText when query.Length == 0 => " <room>",
                Slot.RoomAndText => $" <room> [{Saying} <query>]",
                Slot.Query when query.Length == 0 => null,
                Slot.Query => " <query>",
                _ => string.Empty,
            };
            if (slot is null)
            {
                continue;
            }

            var name = command.Kind.ToString().ToLowerInvariant();
            rules.Add($"<{name}>");
            jsgf.Append('<').Append(name).Append("> = (").AppendJoin(" | ", command.Phrases).Append(')').Append(slot).Append(";\n");
        }

        if (rooms.Count > 0)
        {
            jsgf.Append("<room> = ").AppendJoin(" | ", rooms.Keys).Append(";\n");
        }

        if (query.Length > 0)
        {
            jsgf.Append("<query> = (").AppendJoin(" | ", query).Append(")+;\n");

            if (heardCompetes)
            {
                rules.Add("<query>");
            }
        }

        jsgf.Append("public <command> = ").AppendJoin(" | ", rules).Append(";\n");
        return jsgf.ToString();
    }

    /// <summary>
    /// The command in <paramref name="recognized"/> (what the grammar pass heard); null when it is none. A grammar that forced a
    /// command (<paramref name="heard"/> given) counts only where the language model backs it.
    /// </summary>
    /// <param name="recognized">What the grammar pass heard.</param>
    /// <param name="heard">What the language model heard, when the grammar pass had no sentence of its words.</param>
    public VoiceCommand? Parse(string recognized, string? heard = null)
    {
        var text = string.Join(' ', Words(recognized));
        var heardWords = heard is null ? null : Words(heard);
        foreach (var command in Commands)
        {
            foreach (var phrase in command.Phrases)
            {
                if (!text.StartsWith(phrase, StringComparison.Ordinal) || (text.Length > phrase.Length && text[phrase.Length] != ' '))
                {
                    continue;
                }

                var rest = text[phrase.Length..].Trim();
                if (heardWords is not null && !Agrees(command, rest, heardWords, text))
                {
                    continue;
                }

                switch (command.Slot)
                {
                    case Slot.Room when rooms.TryGetValue(rest, out var room):
                        return new VoiceCommand(command.Kind, room, null, text);
                    case Slot.RoomAndText when RoomAndText(rest) is ({ } room, var message):
                        return new VoiceCommand(command.Kind, room, null, text, message);
                    case Slot.Query when rest.Length > 0:
                        return new VoiceCommand(command.Kind, null, rest, text);
                    case Slot.None when rest.Length == 0:
                        return new VoiceCommand(command.Kind, null, null, text);
                }
            }
        }

        return null;
    }

    // Lower-case letter words: what the dictionary and the grammar can hold ("Dev-Ops 2" is "dev ops").
    private static List<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    // A forced command must be backed by the language model: it heard the verb, or (short verbs are what it gets wrong: "open
    // sales" as "belt and sales") it heard the room and not much more than the command.
    private static bool Agrees(CommandPhrases command, string rest, List<string> heard, string text) =>
        command.Verbs.Any(heard.Contains)
        || (command.Slot is Slot.Room or Slot.RoomAndText && rest.Length > 0 && Words(rest).TrueForAll(heard.Contains) && heard.Count <= Words(text).Count + 2);

    // "sales" or "sales saying on my way": the room as given and the text, if any.
    private (string? Room, string? Text) RoomAndText(string rest)
    {
        var at = rest.IndexOf(" " + Saying + " ", StringComparison.Ordinal);
        var (room, message) = at < 0 ? (rest, null) : (rest[..at], rest[(at + Saying.Length + 2)..]);
        return rooms.TryGetValue(room, out var name) ? (name, message) : (null, null);
    }

    [GeneratedRegex("[a-z]+")]
    private static partial Regex WordPattern();

    private sealed record CommandPhrases(VoiceCommandKind Kind, Slot Slot, string[] Phrases, string[] Verbs);
}
