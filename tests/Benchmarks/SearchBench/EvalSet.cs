using Atom.Server.Search.Text;
using Microsoft.Data.Sqlite;

namespace Atom.Benchmarks.SearchBench;

/// <summary>A query with the one document that answers it.</summary>
/// <param name="Set">The query set: <see cref="EvalSet.Described"/> or <see cref="EvalSet.Unseen"/>.</param>
/// <param name="Text">What is searched for.</param>
/// <param name="RelevantId">The source id of the page it was made from.</param>
/// <param name="Page">That page's title.</param>
public sealed record EvalQuery(string Set, string Text, string RelevantId, string Page);

/// <summary>
/// The evaluation set, made from the man pages' NAME lines: each queryable page's description is a query whose one
/// relevant answer is that page (<see cref="Described"/>), and the same description cut down to the words the page does
/// not contain is a second query (<see cref="Unseen"/>). The NAME section itself is never indexed, so no query meets its own
/// words there.
/// </summary>
/// <remarks>
/// A word counts as contained when the page's indexed text (title and body) matches it in an FTS5 table with the index's
/// own tokenizer (porter stemming, so "archives" is contained where "archiving" is). What stays is the description's
/// words that keyword search cannot find in that page: by construction keyword search can answer an <see cref="Unseen"/>
/// query only with other pages. Such a query is kept when at least <see cref="MinUnseenWords"/> different words stay. These are not
/// paraphrases written by a person, but the part of a person's description that the document says in other words.
/// </remarks>
public sealed class EvalSet : IDisposable
{
    /// <summary>The set of descriptions as written.</summary>
    public const string Described = "description";

    /// <summary>The set of descriptions cut down to the words their page does not contain.</summary>
    public const string Unseen = "unseen words";

    /// <summary>The fewest words an <see cref="Unseen"/> query keeps.</summary>
    public const int MinUnseenWords = 2;

    private readonly SqliteConnection _page = new("Data Source=:memory:");
    private readonly int _limit;

    /// <summary>Starts an empty set.</summary>
    /// <param name="limit">The most queries per set.</param>
    public EvalSet(int limit)
    {
        _limit = limit;
        _page.Open();
        Execute("CREATE VIRTUAL TABLE page USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')");
    }

    /// <summary>Gets the queries of both sets, in the order their pages were added.</summary>
    public List<EvalQuery> Queries { get; } = [];

    /// <summary>Gets whether both sets are full.</summary>
    public bool IsFull => Queries.Count(q => q.Set == Described) >= _limit && Queries.Count(q => q.Set == Unseen) >= _limit;

    /// <summary>Adds the queries of a page that is a query candidate (<see cref="ManPages.IsQueryCandidate"/>), until both sets are full.</summary>
    /// <param name="id">The page's source id.</param>
    /// <param name="document">The page.</param>
    public void Add(string id, CorpusDocument document)
    {
        if (Queries.Count(q => q.Set == Described) < _limit)
        {
            Queries.Add(new EvalQuery(Described, document.Description, id, document.Title));
        }

        if (Queries.Count(q => q.Set == Unseen) < _limit)
        {
            Execute("DELETE FROM page");
            Execute("INSERT INTO page (body) VALUES ($body)", document.Title + "\n" + document.Text);
            var words = document.Description.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.Trim(',', ';', ':', '.', '(', ')', '"', '\''))
                .Where(w => KeywordQuery.Parse(w) is { IsEmpty: false } q && !Matches(q.ToFts5()))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (words.Count >= MinUnseenWords)
            {
                Queries.Add(new EvalQuery(Unseen, string.Join(' ', words), id, document.Title));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _page.Dispose();

    private bool Matches(string fts5)
    {
        using var command = _page.CreateCommand();
        command.CommandText = "SELECT count(*) FROM page WHERE page MATCH $q";
        command.Parameters.AddWithValue("$q", fts5);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private void Execute(string sql, string? body = null)
    {
        using var command = _page.CreateCommand();
        command.CommandText = sql;
        if (body is not null)
        {
            command.Parameters.AddWithValue("$body", body);
        }

        command.ExecuteNonQuery();
    }
}
