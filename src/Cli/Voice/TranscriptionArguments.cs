using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>The options <c>atom transcribe</c> and <c>atom listen</c> share: what speech to expect, and words likely to be said.</summary>
internal sealed class TranscriptionArguments
{
    /// <summary>The most phrase hints a config takes.</summary>
    public const int MaxHints = 100;

    private static readonly EnumNames<RecognitionMode> Modes = new();

    public Option<RecognitionMode?> Mode { get; } = new("--mode")
    {
        Description = "dictation (any words) or commands (spoken commands: \"search for X\", \"open ROOM\"..., each printed with its intent and slots) [default: dictation]",
        HelpName = Modes.Choices,
        CustomParser = result => Modes.Parse(result, "--mode", "a recognition mode"),
    };

    public Option<string[]> Hints { get; } = new("--hints", "--room-hints")
    {
        Description = "Words and names likely to be said (room names, people), to help the recognizer; at most 100",
        HelpName = "WORD",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string?> Language { get; } = new("--language")
    {
        Description = "The language spoken, BCP-47 (en-US) [default: the server's]",
        HelpName = "LANG",
    };

    public TranscriptionArguments()
    {
        Hints.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string[]>() is { Length: > MaxHints } hints)
            {
                result.AddError($"--hints takes at most {MaxHints} words and names, not {hints.Length}.");
            }
        });
    }

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        command.Options.Add(Mode);
        command.Options.Add(Hints);
        command.Options.Add(Language);
    }

    /// <summary>Gets the recognition mode chosen.</summary>
    /// <param name="result">The parsed command line.</param>
    /// <returns>The mode.</returns>
    public RecognitionMode ModeOf(ParseResult result) => result.GetValue(Mode) ?? RecognitionMode.Dictation;

    /// <summary>Gets the config of a live transcription.</summary>
    /// <param name="result">The parsed command line.</param>
    /// <param name="format">The audio that will be sent.</param>
    /// <returns>The config.</returns>
    public TranscriptionConfig Config(ParseResult result, AudioFormat format)
    {
        var config = new TranscriptionConfig
        {
            Format = format,
            Mode = ModeOf(result),
            Language = result.GetValue(Language)?.Trim() ?? string.Empty,
        };
        config.PhraseHints.Add((result.GetValue(Hints) ?? []).Select(h => h.Trim()).Where(h => h.Length > 0));
        return config;
    }
}
