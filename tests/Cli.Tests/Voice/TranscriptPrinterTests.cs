using System.Text.Json;
using Atom.Cli.Descriptors;
using Atom.Cli.Profiles;
using Atom.Cli.Voice;
using Atom.V1;
using Spectre.Console;

namespace Atom.Cli.Tests.Voice;

public sealed class TranscriptPrinterTests
{
    private const string ClearLine = "\r\u001b[2K";

    private readonly StringWriter _out = new();

    [Fact]
    public void On_a_terminal_partials_are_redrawn_in_place_and_a_final_replaces_them_with_a_line()
    {
        var printer = new TranscriptPrinter(Context(OutputFormat.Table), terminal: true);

        printer.Print(Response(SegmentTextTests.Segment("hel", final: false, 0, 0)));
        printer.Print(Response(SegmentTextTests.Segment("hello wor", final: false, 0, 0)));
        printer.Print(Response(SegmentTextTests.Segment("hello world", final: true, 0, 1.5)));

        Assert.Equal($"{ClearLine}[00:00.0–…] hel{ClearLine}[00:00.0–…] hello wor{ClearLine}[00:00.0–00:01.5] hello world\n", _out.ToString());
        Assert.Equal(1, printer.Finals);
    }

    [Fact]
    public void Elsewhere_only_finals_print_with_the_command_and_the_latency_when_live()
    {
        var printer = new TranscriptPrinter(Context(OutputFormat.Table), terminal: false, latency: end => TimeSpan.FromSeconds(0.42));

        printer.Print(Response(SegmentTextTests.Segment("search for", final: false, 0, 0)));
        printer.Print(Response(SegmentTextTests.Segment("search for budget", final: true, 0.5, 2), new VoiceCommand { Intent = VoiceIntent.Search, Query = "budget" }));

        Assert.Equal("[00:00.5–00:02.0] search for budget  (final 0.4s after the words)\n  → search query=\"budget\"\n", _out.ToString());
    }

    [Fact]
    public void Json_output_is_a_response_per_line_partials_included()
    {
        var printer = new TranscriptPrinter(Context(OutputFormat.Json), terminal: true);

        printer.Print(Response(SegmentTextTests.Segment("hel", final: false, 0, 0)));
        printer.Print(Response(SegmentTextTests.Segment("hello", final: true, 0, 1)));

        var lines = _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("hel", JsonDocument.Parse(lines[0]).RootElement.GetProperty("segment").GetProperty("text").GetString());
        Assert.True(JsonDocument.Parse(lines[1]).RootElement.GetProperty("segment").GetProperty("final").GetBoolean());
        Assert.Equal(1, printer.Finals);
    }

    private CliContext Context(OutputFormat output) => new(
        new CliSettings("http://127.0.0.1:1", null, output, null),
        DescriptorCatalog.Default,
        new ProfileStore(Path.Combine(Path.GetTempPath(), "atom-nowhere-" + Guid.NewGuid().ToString("N"))),
        _out,
        TextWriter.Null,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out) }),
        CancellationToken.None);

    private static TranscribeResponse Response(TranscriptSegment segment, VoiceCommand? command = null) => new() { Segment = segment, Command = command };
}
