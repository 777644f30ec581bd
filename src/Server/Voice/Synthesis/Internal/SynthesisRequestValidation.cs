using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>
/// The checks every provider makes before speaking, and the text it speaks: markup tags removed and entities decoded (no
/// engine is ever asked to interpret SSML, so markup could only be read out letter by letter), control and formatting
/// characters removed (espeak reads U+0001 as the start of an embedded command), white space folded.
/// </summary>
internal static partial class SynthesisRequestValidation
{
    private static readonly int[] OpusRates = [8000, 12000, 16000, 24000, 48000];
    private static readonly int[] Mp3Rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

    /// <summary>Checks the request and returns the text to speak.</summary>
    /// <exception cref="SynthesisRequestException">A field cannot be honoured.</exception>
    public static string Prepare(SynthesisRequest request, int maxTextLength)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckFactor("speed", request.Speed);
        CheckFactor("pitch", request.Pitch);
        if (!Enum.IsDefined(request.Format))
        {
            throw new SynthesisRequestException("format", $"Unknown output format {(int)request.Format}.");
        }

        if (request.SampleRate is { } rate)
        {
            CheckRate(request.Format, rate);
        }

        if (string.IsNullOrEmpty(request.Text))
        {
            throw new SynthesisRequestException("text", "The text to speak is empty.");
        }

        // Measured before any clean-up, so that a huge request costs nothing past this point.
        if (request.Text.Length > maxTextLength)
        {
            throw new SynthesisRequestException("text",
                $"The text to speak is {request.Text.Length} characters long; at most {maxTextLength} are allowed ({SpeechSynthesisOptions.Section}:MaxTextLength).");
        }

        var text = Clean(request.Text);
        return text.Length > 0
            ? text
            : throw new SynthesisRequestException("text", "The text to speak has nothing to say once markup, control characters and white space are removed.");
    }

    internal static string Clean(string text)
    {
        var plain = WebUtility.HtmlDecode(Tag().Replace(text, " "));
        var builder = new StringBuilder(plain.Length);
        var space = false;
        foreach (var c in plain)
        {
            var category = char.GetUnicodeCategory(c);
            if (char.IsWhiteSpace(c) || category == UnicodeCategory.Control)
            {
                space = builder.Length > 0;
                continue;
            }

            if (category is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static void CheckFactor(string field, double value)
    {
        if (!double.IsFinite(value) || value < SynthesisRequest.MinFactor || value > SynthesisRequest.MaxFactor)
        {
            throw new SynthesisRequestException(field,
                $"The {field} must be a factor from {SynthesisRequest.MinFactor:0.0#} to {SynthesisRequest.MaxFactor:0.0#} (1.0 is the voice's own), not {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckRate(SynthesisFormat format, int rate)
    {
        var allowed = format switch
        {
            SynthesisFormat.OggOpus => OpusRates,
            SynthesisFormat.Mp3 => Mp3Rates,
            _ => null,
        };
        if (allowed is null ? rate is < 8000 or > 48000 : !allowed.Contains(rate))
        {
            throw new SynthesisRequestException("sample_rate", allowed is null
                ? $"The sample rate must be from 8000 to 48000 Hz, not {rate}."
                : $"{format} takes a sample rate of {string.Join(", ", allowed)} Hz, not {rate}.");
        }
    }

    // Tags only: a '<' followed by a name, '/', '!' or '?', so that "a < b" and "<3" are still spoken.
    [GeneratedRegex(@"<[/!?]?[A-Za-z][^<>]{0,2000}>|<!--.*?-->", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Tag();
}
