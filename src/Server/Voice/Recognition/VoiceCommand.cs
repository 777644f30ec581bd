namespace Atom.Server.Voice.Recognition;

/// <summary>A spoken command as a structured intent, e.g. "summarize marketing" as (<see cref="VoiceCommandKind.Summarize"/>, room "Marketing").</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Room">The room named, exactly as given in <see cref="RecognitionOptions.RoomNames"/>; null for commands without one.</param>
/// <param name="Query">The free text of a search; null for other commands.</param>
/// <param name="Heard">The words recognized.</param>
/// <param name="Text">The message of a <see cref="VoiceCommandKind.SendMessage"/> ("... saying TEXT"); null for other commands and when none was said.</param>
public sealed record VoiceCommand(VoiceCommandKind Kind, string? Room, string? Query, string Heard, string? Text = null);

/// <summary>The commands the grammar knows, with the phrases that say them.</summary>
public enum VoiceCommandKind
{
    /// <summary>"search for X", "search X", "find X": <see cref="VoiceCommand.Query"/> is X.</summary>
    Search,

    /// <summary>"send a message to ROOM", "send message to ROOM", "post to ROOM", each optionally followed by "saying TEXT".</summary>
    SendMessage,

    /// <summary>"summarize ROOM", "summarize room ROOM", "summary of ROOM".</summary>
    Summarize,

    /// <summary>"open ROOM", "go to ROOM", "switch to ROOM".</summary>
    OpenRoom,

    /// <summary>"upload", "upload a file", "upload file".</summary>
    Upload,

    /// <summary>"cancel", "stop", "never mind".</summary>
    Cancel,
}
