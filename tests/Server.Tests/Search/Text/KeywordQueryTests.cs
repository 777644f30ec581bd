using Atom.Server.Search.Text;
using Atom.Server.Tests.Infrastructure;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Atom.Server.Tests.Search.Text;

/// <summary>
/// Queries as people type them, run through real SQLite FTS5 and real PostgreSQL to_tsquery: whatever the text, the
/// expression is valid, and words, phrases, prefixes, alternatives and exclusions mean what a web search box means.
/// </summary>
public sealed class KeywordQueryTests
{
    public static TheoryData<string> Hostile => new()
    {
        "\"unbalanced quote",
        "foo\"bar\"baz\"",
        "AND OR NOT",
        "OR",
        "OR OR budget",
        "NEAR(alpha beta",
        "NEAR/3 alpha",
        "title:secret body:x",
        "{title body}: x",
        "a\\b \\\\ \\\"",
        "*",
        "* prefix* *suffix",
        "-",
        "--double -\"\" -",
        "^start",
        "'single ' quotes''",
        ")( ][ }{",
        "a + b & c | d ! e <-> f :* g",
        "emoji 🎉🚀 mixed",
        "日本語のテキスト 中文",
        "NOT",
        "-only -excluded",
        "",
        "   ",
        "\u0000null\u0001control",
        new string('x', 5000),
        string.Join(' ', Enumerable.Range(0, 200).Select(i => $"w{i}")),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Any_text_makes_a_valid_fts5_expression_and_tsquery(string text)
    {
        var query = KeywordQuery.Parse(text);
        Assert.True(query.Groups.Count + query.Excluded.Count <= KeywordQuery.MaxClauses);

        await using var sqlite = await CorpusAsync();
        if (!query.IsEmpty)
        {
            await sqlite.QueryAsync<long>("SELECT rowid FROM docs WHERE docs MATCH @q", new { q = query.ToFts5() });
        }

        await using var pg = new NpgsqlConnection(await Postgres.Value);
        await pg.OpenAsync();
        if (!query.IsEmpty)
        {
            await pg.ExecuteScalarAsync<string>("SELECT to_tsquery('english', @q)::text", new { q = query.ToTsQuery() });
        }
    }

    [Theory]
    [InlineData("budget report", new[] { 1L })]
    [InlineData("\"quarterly budget\"", new[] { 1L })]
    [InlineData("\"budget quarterly\"", new long[0])]
    [InlineData("budg*", new[] { 1L, 3L })]
    [InlineData("budget OR holiday", new[] { 1L, 2L, 3L })]
    [InlineData("budget -draft", new[] { 1L })]
    [InlineData("budget -\"first draft\"", new[] { 1L })]
    [InlineData("running", new[] { 2L })]
    [InlineData("e-mail", new[] { 4L })]
    [InlineData("NEAR(budget", new long[0])] // the words it contains, as a phrase: "near budget"
    [InlineData("budget NEAR(", new long[0])] // and "near" is a word no document has
    [InlineData("title:holiday", new long[0])]
    public async Task Words_phrases_prefixes_alternatives_and_exclusions_match_as_typed(string text, long[] expected)
    {
        await using var sqlite = await CorpusAsync();
        var query = KeywordQuery.Parse(text);

        var found = (await sqlite.QueryAsync<long>("SELECT rowid FROM docs WHERE docs MATCH @q ORDER BY rowid", new { q = query.ToFts5() })).ToArray();
        Assert.Equal(expected, found);

        // The same query on PostgreSQL finds the same documents.
        await using var pg = new NpgsqlConnection(await Postgres.Value);
        await pg.OpenAsync();
        var pgFound = (await pg.QueryAsync<long>(
            "SELECT id FROM (VALUES " + string.Join(", ", Corpus.Select((d, i) => $"({i + 1}, @d{i})")) + ") AS docs(id, body) " +
            "WHERE to_tsvector('english', body) @@ to_tsquery('english', @q) ORDER BY id",
            new DynamicParameters(Corpus.Select((d, i) => KeyValuePair.Create("d" + i, (object)d)).Append(KeyValuePair.Create("q", (object)query.ToTsQuery()))))).ToArray();
        Assert.Equal(expected, pgFound);
    }

    [Fact]
    public void Words_to_highlight_are_those_asked_for_not_those_excluded()
    {
        var query = KeywordQuery.Parse("Budget \"Q3 plan\" OR roadmap -draft");
        Assert.Equal(["budget", "q3", "plan", "roadmap"], query.Words);
        Assert.Equal(2, query.Groups.Count);
        Assert.Single(query.Excluded);
    }

    [Fact]
    public void Only_exclusions_ask_for_nothing()
    {
        Assert.True(KeywordQuery.Parse("-draft -old").IsEmpty);
        Assert.Equal(string.Empty, KeywordQuery.Parse("-draft").ToFts5());
        Assert.Equal(string.Empty, KeywordQuery.Parse("").ToTsQuery());
    }

    private static readonly string[] Corpus =
    [
        "The quarterly budget report is final",
        "Running late for the holiday party",
        "Budgeting notes, first draft",
        "Send the e-mail to the team",
    ];

    private static readonly Lazy<Task<string>> Postgres = new(PostgresServer.CreateDatabaseAsync);

    private static async Task<SqliteConnection> CorpusAsync()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')");
        for (var i = 0; i < Corpus.Length; i++)
        {
            await connection.ExecuteAsync("INSERT INTO docs (rowid, body) VALUES (@id, @body)", new { id = i + 1, body = Corpus[i] });
        }

        return connection;
    }
}
