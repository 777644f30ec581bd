namespace Atom.Server.Search.Text;

/// <summary>
/// Guesses a text's language from its most common words, so that it is stemmed by that language's rules. It knows the
/// languages whose stemmers both engines' PostgreSQL configurations have; text in any other language, or in a script
/// without spaces between words (Chinese, Japanese), is "simple": indexed word for word, unstemmed, never mangled.
/// </summary>
public static class LanguageDetector
{
    /// <summary>The configuration for text in no language it knows.</summary>
    public const string Simple = "simple";

    // The commonest function words of each language: short texts are decided by them, since every sentence has some.
    private static readonly (string Language, HashSet<string> Words)[] Profiles =
    [
        ("english", Set("the and of to a in is it that for was on are with as be this have not you at by from or but")),
        ("german", Set("der die und das ist nicht ein eine zu den mit von sich des auf für im dem auch es an wir ich")),
        ("french", Set("le la les et des est une un du que pas pour dans qui en au sur ne se avec il elle nous vous")),
        ("spanish", Set("el la los las y de que es en un una por con no para se del al lo como más pero sus")),
        ("italian", Set("il la di che e è un una per non sono le del della con gli da si lo nel alla ma")),
        ("portuguese", Set("o a os as e de que não um uma para com do da em no na se por mais mas foi")),
        ("dutch", Set("de het een en van is dat niet op te in ik je met zijn voor maar er aan ook als")),
        ("swedish", Set("och att det som en är på för med har inte jag till av den om ett var men")),
        ("russian", Set("и в не на что я с он как это по но из к у за от то все она так")),
    ];

    /// <summary>Gets every configuration this detector answers with, <see cref="Simple"/> included.</summary>
    public static IReadOnlyList<string> Languages { get; } = [.. Profiles.Select(p => p.Language), Simple];

    /// <summary>Guesses the language of a text.</summary>
    /// <param name="text">The text; its first few thousand characters are read.</param>
    /// <returns>A PostgreSQL text search configuration name: one of <see cref="Languages"/>.</returns>
    public static string Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sample = text.Length > 4000 ? text[..4000] : text;
        var scores = new int[Profiles.Length];
        var words = 0;
        var unspaced = 0;
        foreach (var word in sample.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            words++;
            if (word.Any(IsUnspacedScript))
            {
                unspaced++;
            }

            for (var i = 0; i < Profiles.Length; i++)
            {
                if (Profiles[i].Words.Contains(word))
                {
                    scores[i]++;
                }
            }
        }

        if (words == 0 || unspaced * 2 >= words)
        {
            return Simple;
        }

        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        // Too few function words to tell (a name, a code, a list of numbers): English stemming would still do no harm
        // to Latin-script words, so short texts fall back to it rather than to no stemming at all.
        return scores[best] == 0 ? (sample.Any(char.IsLetter) && !sample.Any(IsCyrillic) ? "english" : Simple) : Profiles[best].Language;
    }

    private static readonly char[] Separators = [.. Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !char.IsLetterOrDigit(c)), '«', '»', '“', '”', '„', '’', '¿', '¡', '…'];

    private static HashSet<string> Set(string words) => new(words.Split(' '), StringComparer.Ordinal);

    private static bool IsUnspacedScript(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u0E00' and <= '\u0E7F');

    private static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u04FF';
}
