using System.Globalization;
using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>
/// Prints a transcript as its segments arrive. For people, each final segment is a line (with the command it was
/// recognised as, in commands mode); on a terminal the partial segment being spoken is drawn in place and replaced by
/// the next one, elsewhere partials are left out so a log holds finals only. With --output json, every response is a
/// line of proto3 JSON (NDJSON), partials included.
/// </summary>
/// <param name="context">Where to print, and how.</param>
/// <param name="terminal">Whether standard output is a terminal, so partials can be redrawn in place.</param>
/// <param name="latency">For a live stream: how long ago a point of the audio was "recorded", shown after each final.</param>
internal sealed class TranscriptPrinter(CliContext context, bool terminal, Func<TimeSpan, TimeSpan?>? latency = null)
{
    private bool _partialShown;

    /// <summary>Gets how many final segments have been printed.</summary>
    public int Finals { get; private set; }

    /// <summary>Creates a printer on the command's standard output.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="latency">For a live stream, how long ago a point of the audio was sent.</param>
    /// <returns>The printer.</returns>
    public static TranscriptPrinter OnStandardOutput(CliContext context, Func<TimeSpan, TimeSpan?>? latency = null) =>
        new(context, terminal: !Console.IsOutputRedirected, latency);

    /// <summary>Prints one response of Transcribe.</summary>
    /// <param name="response">The response.</param>
    public void Print(TranscribeResponse response)
    {
        if (context.Settings.Output == OutputFormat.Json)
        {
            Finals += response.Segment is { Final: true } ? 1 : 0;
            context.Out.WriteLine(context.Json(response, oneLine: true));
            context.Out.Flush();
            return;
        }

        if (response.Segment is { } segment)
        {
            Print(segment, response.Command);
        }
    }

    /// <summary>Prints a segment (TranscribeFile's carry no command).</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="command">The command it was recognised as, or null.</param>
    public void Print(TranscriptSegment segment, VoiceCommand? command = null)
    {
        if (!segment.Final)
        {
            if (terminal)
            {
                context.Out.Write(Terminal.ClearLine + SegmentText.Partial(segment, Terminal.Width()));
                context.Out.Flush();
                _partialShown = true;
            }

            return;
        }

        EndPartial();
        var line = SegmentText.Final(segment);
        if (latency?.Invoke(segment.EndOffset?.ToTimeSpan() ?? TimeSpan.Zero) is { } late)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"  (final {Math.Max(0, late.TotalSeconds):0.0}s after the words)");
        }

        context.Out.WriteLine(line);
        if (command is not null)
        {
            context.Out.WriteLine(SegmentText.Command(command));
        }

        context.Out.Flush();
        Finals++;
    }

    /// <summary>Erases a partial segment still drawn, so what follows (an error, the prompt) starts on a clean line.</summary>
    public void EndPartial()
    {
        if (_partialShown)
        {
            _partialShown = false;
            context.Out.Write(Terminal.ClearLine);
        }
    }
}
