using System.CommandLine;
using System.CommandLine.Parsing;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.Cli.Search;
using Atom.V1;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom search QUERY [--in messages|files] [--room R] [--from USER] [--type pdf] [--since 7d] ...</c>: messages and
/// files the caller may read, by their words and by their meaning (SearchService.Search), best first, each with the
/// passages that matched (the matches styled on a terminal) and the command that opens it; with --output json the
/// response, its pages merged. The caller's past queries are <c>atom search --history</c> and
/// <c>atom search --clear-history</c>: flags, not subcommands, so that every word stays searchable ("history" too).
/// No results is not an error: exit 0, nothing on stdout, "No results." on stderr.
/// </summary>
internal static class SearchCommand
{
    // The contract's largest pages; a --limit beyond takes several.
    private const int MaxPageSize = 100;
    private const int MaxHistoryPageSize = 200;
    private const int DefaultLimit = 20;
    private const int DefaultHistoryLimit = 50;

    private static readonly EnumNames<SearchScope> Scopes = new();
    private static readonly EnumNames<SearchMode> Modes = new();

    public static Command Create(CommandRunner runner)
    {
        var arguments = new SearchArguments();
        var command = arguments.Command();
        command.SetAction((result, token) => runner.RunAsync(result, context =>
            result.GetValue(arguments.History) ? ListHistoryAsync(context, arguments, result)
            : result.GetValue(arguments.ClearHistory) ? ClearHistoryAsync(context)
            : SearchAsync(context, arguments, result), token));
        return command;
    }

    private static async Task<int> SearchAsync(CliContext context, SearchArguments arguments, ParseResult result)
    {
        using var connection = context.Connect();
        var request = arguments.Request(result);
        var people = new PeopleDirectory(context, connection);
        foreach (var author in result.GetValue(arguments.From) ?? [])
        {
            request.Filter.AuthorIds.Add(await people.IdOfAsync(author).ConfigureAwait(false));
        }

        var client = new SearchServiceClient(connection);
        var response = await Pages.UpToAsync(
            result.GetValue(arguments.Limit) ?? DefaultLimit,
            (page, size) =>
            {
                var ask = request.Clone();
                (ask.PageToken, ask.PageSize) = (page, Math.Min(size, MaxPageSize));
                return client.SearchAsync(ask, context.CallOptions()).ResponseAsync;
            },
            r => r.Results.Count).ConfigureAwait(false);

        // Every page says how the query was widened; merged pages say it once.
        var expanded = response.ExpandedTerms.Distinct(StringComparer.Ordinal).ToList();
        response.ExpandedTerms.Clear();
        response.ExpandedTerms.Add(expanded);

        if (context.Settings.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (response.Degraded)
        {
            await context.Error.WriteLineAsync($"degraded: {Display.OrDash(response.DegradedReason)}").ConfigureAwait(false);
        }

        if (expanded.Count > 0)
        {
            await context.Error.WriteLineAsync("also searched: " + string.Join(", ", expanded)).ConfigureAwait(false);
        }

        if (response.Results.Count == 0)
        {
            await context.Error.WriteLineAsync("No results.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var style = TextStyle.For(arguments.ColorChoice(result), Console.IsOutputRedirected, Environment.GetEnvironmentVariable);
        var first = true;
        foreach (var found in response.Results)
        {
            if (!first)
            {
                await context.Out.WriteLineAsync().ConfigureAwait(false);
            }

            first = false;
            var who = await people.LabelAsync(found.AuthorId).ConfigureAwait(false);
            foreach (var line in SearchResultText.Lines(found, who, style))
            {
                await context.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        if (response.NextPageToken.Length > 0)
        {
            await context.Error.WriteLineAsync($"More results than these {response.Results.Count}: raise --limit to see them.").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> ListHistoryAsync(CliContext context, SearchArguments arguments, ParseResult result)
    {
        using var connection = context.Connect();
        var client = new SearchServiceClient(connection);
        var response = await Pages.UpToAsync(
            result.GetValue(arguments.Limit) ?? DefaultHistoryLimit,
            (page, size) => client.ListSearchHistoryAsync(new ListSearchHistoryRequest { PageToken = page, PageSize = Math.Min(size, MaxHistoryPageSize) }, context.CallOptions()).ResponseAsync,
            r => r.Entries.Count).ConfigureAwait(false);
        if (context.Settings.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        Display.Table(context.Console, "past searches", ["Query", "Mode", "Last searched", "Times", "ID"], response.Entries.Select(e => new[]
        {
            e.Query,
            Modes.Name(e.Mode),
            Display.Time(e.SearchTime),
            e.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.Id,
        }));
        if (response.NextPageToken.Length > 0)
        {
            await context.Error.WriteLineAsync($"More past searches than these {response.Entries.Count}: raise --limit to see them.").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> ClearHistoryAsync(CliContext context)
    {
        using var connection = context.Connect();
        var response = await new SearchServiceClient(connection)
            .DeleteSearchHistoryAsync(new DeleteSearchHistoryRequest { All = true }, context.CallOptions())
            .ConfigureAwait(false);
        await context.Out.WriteLineAsync(context.Settings.Output == OutputFormat.Json
            ? context.Json(response)
            : $"Deleted your search history ({response.Deleted} past {(response.Deleted == 1 ? "search" : "searches")}).").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The arguments and options of <c>atom search</c>, and the request they make.</summary>
    internal sealed class SearchArguments
    {
        /// <summary>Gets the query, as words: the shell splits what is not quoted, and they are joined again by spaces.</summary>
        public Argument<string[]> Query { get; } = new("query")
        {
            Description = "What to find: words, \"a phrase\" (quote it for the shell too: '\"a phrase\"'), prefix*, -excluded (put -- before a query that starts with -)",
            Arity = ArgumentArity.ZeroOrMore,
        };

        /// <summary>Gets <c>--in</c>: what to search.</summary>
        public Option<SearchScope[]> In { get; } = new("--in")
        {
            Description = "Search only these; repeat or separate by commas [default: messages and files]",
            HelpName = Scopes.Choices,
            CustomParser = result => ParseScopes(result),
        };

        /// <summary>Gets <c>--room</c>.</summary>
        public Option<string[]> Room { get; } = new("--room")
        {
            Description = "Only in this room (its id or unique name); repeat for several",
            HelpName = "ROOM",
        };

        /// <summary>Gets <c>--from</c>: the authors.</summary>
        public Option<string[]> From { get; } = new("--from")
        {
            Description = "Only what this person said or uploaded (id or email); repeat for several",
            HelpName = "USER",
        };

        /// <summary>Gets <c>--type</c>: kinds of file, passed as typed (the server reads a type, a category or a media type).</summary>
        public Option<string[]> Type { get; } = new("--type")
        {
            Description = "Only files of this type: pdf, docx, ..., a kind (document, image, ...) or a media type (application/pdf); repeat for several. Implies files only",
            HelpName = "TYPE",
        };

        /// <summary>Gets <c>--since</c>.</summary>
        public Option<DateTimeOffset?> Since { get; } = Moment.Option("--since", "Only what was created since then: a duration back from now (7d, 12h, 90m) or an ISO-8601 date or time, UTC unless it says otherwise", ahead: false);

        /// <summary>Gets <c>--until</c>.</summary>
        public Option<DateTimeOffset?> Until { get; } = Moment.Option("--until", "Only what was created before then: a duration back from now or an ISO-8601 date or time", ahead: false);

        /// <summary>Gets <c>--mode</c>.</summary>
        public Option<SearchMode?> Mode { get; } = new("--mode")
        {
            Description = "How to match: keyword (the words, stemmed), semantic (by meaning) or hybrid (both, fused) [default: hybrid]",
            HelpName = Modes.Choices,
            CustomParser = result => Modes.Parse(result, "--mode", "a search mode"),
        };

        /// <summary>Gets <c>--limit</c>: how many results (or past searches) at most.</summary>
        public Option<int?> Limit { get; } = new("--limit")
        {
            Description = $"How many results at most, best first [default: {DefaultLimit}; with --history {DefaultHistoryLimit}]",
            HelpName = "N",
        };

        /// <summary>Gets <c>--no-history</c>.</summary>
        public Option<bool> NoHistory { get; } = new("--no-history") { Description = "Leave this search out of your search history" };

        /// <summary>Gets <c>--color</c>.</summary>
        public Option<string> Color { get; } = new Option<string>("--color")
        {
            Description = "Mark the words that matched: auto (on a terminal; bold without colour under NO_COLOR), always, never",
            HelpName = "auto|always|never",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "always", "never");

        /// <summary>Gets <c>--history</c>.</summary>
        public Option<bool> History { get; } = new("--history") { Description = "List your past searches instead, most recent first" };

        /// <summary>Gets <c>--clear-history</c>.</summary>
        public Option<bool> ClearHistory { get; } = new("--clear-history") { Description = "Delete your search history instead" };

        /// <summary>Gets the options that shape a search, which --history and --clear-history do not take.</summary>
        private Option[] SearchOnly => [In, Room, From, Type, Since, Until, Mode, NoHistory];

        /// <summary>Creates the command, with every check that needs no server.</summary>
        /// <returns>The command, without its action.</returns>
        public Command Command()
        {
            var command = new Command("search", "Search the messages and files you can read, by their words and their meaning; --history lists past searches")
            {
                Query, In, Room, From, Type, Since, Until, Mode, Limit, NoHistory, Color, History, ClearHistory,
            };
            Limit.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int?>() is < 1)
                {
                    result.AddError("--limit must be 1 or more.");
                }
            });
            foreach (var option in new[] { Room, From, Type })
            {
                option.Validators.Add(result =>
                {
                    if (result.GetValueOrDefault<string[]>()?.Any(string.IsNullOrWhiteSpace) == true)
                    {
                        result.AddError($"{option.Name} is empty: give a value or leave the option out.");
                    }
                });
            }

            command.Validators.Add(Check);
            return command;
        }

        /// <summary>Gets the request the command line asks for; the authors of --from are looked up apart (an email needs the server).</summary>
        /// <param name="result">The parsed command line, without errors.</param>
        /// <returns>The request, its page token and size unset.</returns>
        public SearchRequest Request(ParseResult result)
        {
            var request = new SearchRequest
            {
                Query = QueryText(result),
                Mode = result.GetValue(Mode) ?? SearchMode.Unspecified,
                SkipHistory = result.GetValue(NoHistory),
                Filter = new SearchFilter
                {
                    CreatedAfter = result.GetValue(Since) is { } since ? Timestamp.FromDateTimeOffset(since) : null,
                    CreatedBefore = result.GetValue(Until) is { } until ? Timestamp.FromDateTimeOffset(until) : null,
                },
            };
            request.Scopes.Add((result.GetValue(In) ?? []).Distinct());
            request.Filter.RoomIds.Add((result.GetValue(Room) ?? []).Select(r => r.Trim()));
            request.Filter.FileTypes.Add((result.GetValue(Type) ?? []).Select(t => t.Trim()));
            return request;
        }

        /// <summary>Gets when to mark matches, from <c>--color</c>.</summary>
        /// <param name="result">The parsed command line.</param>
        /// <returns>The choice.</returns>
        public ColorChoice ColorChoice(ParseResult result) => Enum.Parse<ColorChoice>(result.GetValue(Color) ?? "auto", ignoreCase: true);

        private string QueryText(ParseResult result) => string.Join(' ', result.GetValue(Query) ?? []).Trim();

        private void Check(CommandResult result)
        {
            var history = result.GetValue(History);
            var clear = result.GetValue(ClearHistory);
            if (history || clear)
            {
                var flag = history ? "--history" : "--clear-history";
                if (history && clear)
                {
                    result.AddError("--history and --clear-history do not go together: list, or delete.");
                }
                else if ((result.GetValue(Query) ?? []).Length > 0)
                {
                    result.AddError($"{flag} takes no QUERY: to search, leave {flag} out.");
                }
                else if (SearchOnly.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } given)
                {
                    result.AddError($"{flag} does not take {given.Name}, which shapes a search.");
                }
                else if (clear && result.GetResult(Limit) is { Implicit: false })
                {
                    result.AddError("--clear-history deletes all of it: it takes no --limit.");
                }

                return;
            }

            if (string.Join(' ', result.GetValue(Query) ?? []).Trim().Length == 0)
            {
                result.AddError("QUERY is empty: give the words to search for, e.g. atom search release plan (or --history for past searches).");
            }

            if (result.GetValue(Type) is { Length: > 0 } && result.GetValue(In) is { Length: > 0 } scopes && !scopes.Contains(SearchScope.Files))
            {
                result.AddError("--type narrows files: it does not go with --in messages.");
            }

            if (result.GetValue(Since) is { } since && result.GetValue(Until) is { } until && since >= until)
            {
                result.AddError("--since must be before --until: nothing is created in between.");
            }
        }

        private static SearchScope[] ParseScopes(ArgumentResult result)
        {
            var scopes = new List<SearchScope>();
            foreach (var name in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)))
            {
                if (!Scopes.TryParse(name, out var scope))
                {
                    result.AddError($"--in '{name}' is not something to search: use {Scopes.Choices}.");
                    return [];
                }

                scopes.Add(scope);
            }

            return [.. scopes];
        }
    }
}
