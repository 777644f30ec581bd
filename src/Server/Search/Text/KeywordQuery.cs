using System.Globalization;
using System.Text;

namespace Atom.Server.Search.Text;

/// <summary>
/// A search box's text, parsed the way people type it into web search engines: words (all must match), <c>"a phrase"</c>,
/// <c>prefix*</c>, <c>-excluded</c>, and <c>OR</c> between alternatives. Nothing typed is ever passed to the engine as
/// syntax: every word is reduced to letters and digits and quoted, so unbalanced quotes, stray operators, <c>NEAR(</c>,
/// column filters and backslashes are searched as the words they contain, never an error.
/// </summary>
public sealed class KeywordQuery
{
    /// <summary>The most characters of a query that are read.</summary>
    public const int MaxLength = 512;

    /// <summary>The most clauses kept; a longer query's tail is ignored (it could only make the engine slower).</summary>
    public const int MaxClauses = 32;

    private KeywordQuery(IReadOnlyList<IReadOnlyList<QueryClause>> groups, IReadOnlyList<QueryClause> excluded)
    {
        Groups = groups;
        Excluded = excluded;
    }

    /// <summary>Gets the groups that must all match; within a group, any one clause (alternatives joined by OR).</summary>
    public IReadOnlyList<IReadOnlyList<QueryClause>> Groups { get; }

    /// <summary>Gets the clauses that must not match.</summary>
    public IReadOnlyList<QueryClause> Excluded { get; }

    /// <summary>Gets a value indicating whether nothing is asked for: no word to match (only exclusions, or nothing at all).</summary>
    public bool IsEmpty => Groups.Count == 0;

    /// <summary>Gets the words to highlight in snippets: those of every clause that must or may match.</summary>
    public IReadOnlyList<string> Words => [.. Groups.SelectMany(g => g).SelectMany(c => c.Words).Distinct(StringComparer.Ordinal)];

    /// <summary>Parses a query. Never throws on what the text contains.</summary>
    /// <param name="text">What was typed.</param>
    /// <returns>The query.</returns>
    public static KeywordQuery Parse(string? text)
    {
        var groups = new List<List<QueryClause>>();
        var excluded = new List<QueryClause>();
        var joinNext = false;
        var clauses = 0;
        foreach (var token in Tokenize(text ?? string.Empty))
        {
            if (clauses >= MaxClauses)
            {
                break;
            }

            if (token.IsOr)
            {
                joinNext = groups.Count > 0;
                continue;
            }

            var words = WordsOf(token.Text);
            if (words.Count == 0)
            {
                continue;
            }

            // A hyphenated or dotted word ("e-mail", "v1.2") is one phrase of its parts, as the index tokenizes it.
            var clause = new QueryClause(words, IsPhrase: token.Quoted || words.Count > 1, Prefix: token.Prefix && !token.Quoted);
            clauses++;
            if (token.Excluded)
            {
                excluded.Add(clause);
            }
            else if (joinNext)
            {
                groups[^1].Add(clause);
            }
            else
            {
                groups.Add([clause]);
            }

            joinNext = false;
        }

        return new KeywordQuery(groups, excluded);
    }

    /// <summary>
    /// Widens every single word that is asked for (not a phrase, a prefix or an exclusion) with its synonyms, as
    /// alternatives: <c>car</c> becomes <c>car OR automobile</c>.
    /// </summary>
    /// <param name="synonymsOf">The synonyms of a lower-case word; each may be several words (then a phrase).</param>
    /// <returns>The widened query, and the synonyms added, in order.</returns>
    public (KeywordQuery Query, IReadOnlyList<string> Added) Expand(Func<string, IReadOnlyList<string>> synonymsOf)
    {
        ArgumentNullException.ThrowIfNull(synonymsOf);
        var added = new List<string>();
        var groups = new List<IReadOnlyList<QueryClause>>(Groups.Count);
        foreach (var group in Groups)
        {
            var widened = new List<QueryClause>(group);
            foreach (var clause in group.Where(c => c is { IsPhrase: false, Prefix: false, Words.Count: 1 }))
            {
                foreach (var synonym in synonymsOf(clause.Words[0]))
                {
                    var words = WordsOf(synonym);
                    if (words.Count > 0 && !widened.Any(c => c.Words.SequenceEqual(words)))
                    {
                        widened.Add(new QueryClause(words, IsPhrase: words.Count > 1, Prefix: false));
                        added.Add(string.Join(' ', words));
                    }
                }
            }

            groups.Add(widened);
        }

        return (added.Count == 0 ? this : new KeywordQuery(groups, Excluded), added);
    }

    /// <summary>
    /// The query with any of its groups enough, not all: what is searched when too few results match every word
    /// (results that match more words still rank higher).
    /// </summary>
    /// <returns>The relaxed query; this one when it has fewer than two groups.</returns>
    public KeywordQuery Relaxed() =>
        Groups.Count < 2 ? this : new KeywordQuery([Groups.SelectMany(g => g).ToList()], Excluded);

    /// <summary>The query as an SQLite FTS5 MATCH expression: every word a quoted string, so nothing in it is syntax.</summary>
    /// <returns>The expression; empty when <see cref="IsEmpty"/>.</returns>
    public string ToFts5()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        var sql = new StringBuilder();
        foreach (var group in Groups)
        {
            if (sql.Length > 0)
            {
                sql.Append(" AND ");
            }

            sql.Append(group.Count > 1 ? "(" : string.Empty)
                .AppendJoin(" OR ", group.Select(Fts5Clause))
                .Append(group.Count > 1 ? ")" : string.Empty);
        }

        // FTS5's NOT is binary: what is excluded follows what is asked for.
        foreach (var clause in Excluded)
        {
            sql.Append(" NOT ").Append(Fts5Clause(clause));
        }

        return sql.ToString();
    }

    /// <summary>
    /// The query as PostgreSQL <c>to_tsquery</c> text (<c>&amp;</c>, <c>|</c>, <c>!</c>, <c>&lt;-&gt;</c>, <c>:*</c>):
    /// every word a quoted lexeme, so to_tsquery stems it and nothing in it is syntax.
    /// </summary>
    /// <returns>The text; empty when <see cref="IsEmpty"/>.</returns>
    public string ToTsQuery()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        var parts = Groups.Select(g => g.Count > 1 ? "(" + string.Join(" | ", g.Select(TsClause)) + ")" : TsClause(g[0]))
            .Concat(Excluded.Select(c => "!(" + TsClause(c) + ")"));
        return string.Join(" & ", parts);
    }

    private static string Fts5Clause(QueryClause clause) =>
        "\"" + string.Join(' ', clause.Words) + "\"" + (clause.Prefix ? " *" : string.Empty);

    private static string TsClause(QueryClause clause)
    {
        var lexemes = clause.Words.Select(w => "'" + w + "'").ToList();
        if (clause.Prefix)
        {
            lexemes[^1] += ":*";
        }

        return lexemes.Count == 1 ? lexemes[0] : "(" + string.Join(" <-> ", lexemes) + ")";
    }

    /// <summary>The letters and digits of a token, lower-cased, split where anything else stands between them.</summary>
    private static List<string> WordsOf(string token)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in token.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static IEnumerable<Token> Tokenize(string text)
    {
        var input = text.Length > MaxLength ? text[..MaxLength] : text;
        var i = 0;
        while (i < input.Length)
        {
            if (char.IsWhiteSpace(input[i]))
            {
                i++;
                continue;
            }

            var excluded = false;
            if (input[i] == '-' && i + 1 < input.Length && !char.IsWhiteSpace(input[i + 1]))
            {
                excluded = true;
                i++;
            }

            if (input[i] == '"')
            {
                // A phrase runs to the closing quote, or to the end when there is none.
                var close = input.IndexOf('"', i + 1);
                var end = close < 0 ? input.Length : close;
                yield return new Token(input[(i + 1)..end], Quoted: true, Prefix: false, excluded, IsOr: false);
                i = close < 0 ? input.Length : close + 1;
                continue;
            }

            var start = i;
            while (i < input.Length && !char.IsWhiteSpace(input[i]) && input[i] != '"')
            {
                i++;
            }

            var raw = input[start..i];
            if (raw == "OR" && !excluded)
            {
                yield return new Token(raw, Quoted: false, Prefix: false, Excluded: false, IsOr: true);
                continue;
            }

            yield return new Token(raw, Quoted: false, Prefix: raw.EndsWith('*'), excluded, IsOr: false);
        }
    }

    private readonly record struct Token(string Text, bool Quoted, bool Prefix, bool Excluded, bool IsOr);
}

/// <summary>One thing a query asks for: a word, a prefix, or a phrase of words in order.</summary>
/// <param name="Words">The words, lower case, letters and digits only.</param>
/// <param name="IsPhrase">Whether the words must stand together in this order.</param>
/// <param name="Prefix">Whether the last word may be the start of a longer one.</param>
public sealed record QueryClause(IReadOnlyList<string> Words, bool IsPhrase, bool Prefix);
