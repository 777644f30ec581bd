using System.Globalization;
using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>How transcript segments and recognised commands read: <c>[00:01.2–00:03.5] hello world</c>.</summary>
internal static class SegmentText
{
    private static readonly EnumNames<VoiceIntent> Intents = new(i => i switch
    {
        VoiceIntent.SendMessage => "send-message",
        VoiceIntent.SummarizeRoom => "summarize-room",
        VoiceIntent.OpenRoom => "open-room",
        _ => i.ToString().ToLowerInvariant(),
    });

    /// <summary>Gets an offset in the audio as <c>mm:ss.s</c> (see <see cref="Display.Clock"/>).</summary>
    /// <param name="offset">The offset.</param>
    /// <returns>The text.</returns>
    public static string Offset(TimeSpan offset) => Display.Clock(offset, tenths: true);

    /// <summary>Gets the line of a final segment: its span in the audio, then its text.</summary>
    /// <param name="segment">The segment.</param>
    /// <returns>The line.</returns>
    public static string Final(TranscriptSegment segment) =>
        $"[{Offset(segment.StartOffset?.ToTimeSpan() ?? TimeSpan.Zero)}–{Offset(segment.EndOffset?.ToTimeSpan() ?? TimeSpan.Zero)}] {segment.Text}";

    /// <summary>Gets the line a partial segment is drawn as, in place, until the next one replaces it.</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="width">The terminal's width: the line is cut to fit, so that a carriage return can redraw it.</param>
    /// <returns>The line.</returns>
    public static string Partial(TranscriptSegment segment, int width)
    {
        var line = $"[{Offset(segment.StartOffset?.ToTimeSpan() ?? TimeSpan.Zero)}–…] {segment.Text}";

        // Only the end of a long partial shows: that is where the words being spoken are.
        var room = Math.Max(2, width - 1);
        return line.Length < room ? line : "…" + line[^(room - 2)..];
    }

    /// <summary>Gets the line of a recognised command: its intent and the slots it filled.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The line, e.g. <c>  → search query="quarterly report"</c>.</returns>
    public static string Command(VoiceCommand command)
    {
        if (command.Intent == VoiceIntent.Unspecified)
        {
            return "  → not a command";
        }

        var slots = new List<string> { Intents.Name(command.Intent) };
        foreach (var (name, value) in new[] { ("query", command.Query), ("room", command.Room), ("text", command.Text) })
        {
            if (value.Length > 0)
            {
                slots.Add($"{name}=\"{value}\"");
            }
        }

        if (command.Confidence > 0)
        {
            slots.Add(string.Create(CultureInfo.InvariantCulture, $"({command.Confidence:0.00})"));
        }

        return "  → " + string.Join(' ', slots);
    }
}
