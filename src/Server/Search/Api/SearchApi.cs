using Atom.Sdk;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.Server.Search.Api.Internal;
using Atom.Server.Search.History;
using Atom.Server.Search.Index;
using Atom.Server.Search.Indexing;
using Atom.Server.Storage;
using Atom.V1;

namespace Atom.Server.Search.Api;

/// <summary>
/// Implements atom.v1.SearchService. A caller searches the messages and files of the rooms they are a member of and
/// their own files; naming rooms in the filter narrows that, and may add a public room they have not joined. A room
/// they may not read is NOT_FOUND, exactly like one that does not exist. Tenant admins search like everyone else:
/// search never shows anyone a conversation they could not open.
/// </summary>
/// <param name="engine">The search engine.</param>
/// <param name="access">Who may read what.</param>
/// <param name="history">The callers' search history.</param>
/// <param name="chunks">The index, for file-name suggestions.</param>
/// <param name="changes">Index changes, for live searches.</param>
internal sealed class SearchApi(
    SearchEngine engine,
    ISearchAccess access,
    SearchHistoryStore history,
    ChunkStore chunks,
    SearchIndexChanges changes) : SearchServiceBase
{
    // How often a live search looks again when no change was announced on this node (another node's indexing).
    private static readonly TimeSpan LivePollInterval = TimeSpan.FromSeconds(5);

    // Changes arrive in bursts (a file's chunks, a busy room): one refresh after the burst, not one per change.
    private static readonly TimeSpan LiveDebounce = TimeSpan.FromMilliseconds(150);

    /// <inheritdoc />
    public override async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var plan = await PlanAsync(caller, request, string.Empty, token);
        var offset = SearchRules.Offset(plan, request.PageToken);
        var size = SearchRules.PageSize("page_size", request.PageSize);
        var outcome = await engine.SearchAsync(plan.Query with { Limit = Math.Min(offset + size + 1, SearchRules.MaxResults) }, token);
        var response = SearchMapping.ToResponse(outcome, plan.RoomNames, offset, size);
        if (response.Results.Count == size && outcome.Hits.Count > offset + size)
        {
            response.NextPageToken = SearchRules.NextPageToken(plan, offset + size);
        }

        if (request.PageToken.Length == 0 && !request.SkipHistory)
        {
            await history.RecordAsync(caller.TenantId, caller.PrincipalId, request.Query, plan.Query.Mode, token);
        }

        return response;
    }

    /// <inheritdoc />
    public override async Task WatchSearch(WatchSearchRequest request, IAsyncStreamWriter<WatchSearchResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var search = request.Search ?? throw AtomErrors.InvalidField("search", "is required.");
        var plan = await PlanAsync(caller, search, "search.", token);
        var size = SearchRules.PageSize("search.page_size", search.PageSize);
        string? shown = null;
        var reason = SearchRefreshReason.Query;
        while (true)
        {
            var next = changes.NextAsync(caller.TenantId, plan.Query.Filter.Scopes);
            var response = SearchMapping.ToResponse(await engine.SearchAsync(plan.Query with { Limit = size }, token), plan.RoomNames, 0, size);
            var fingerprint = SearchMapping.Fingerprint(response);
            if (fingerprint != shown)
            {
                await responses.WriteAsync(new WatchSearchResponse { Response = response, Reason = reason }, token);
                shown = fingerprint;
            }

            await Task.WhenAny(next, Task.Delay(LivePollInterval, token));
            await Task.Delay(LiveDebounce, token);
            reason = SearchRefreshReason.Content;
        }
    }

    /// <inheritdoc />
    public override async Task SearchStream(IAsyncStreamReader<SearchStreamRequest> requests, IAsyncStreamWriter<SearchStreamResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;

        // The caller types while results are being found: the newest query wins, those typed in between are skipped.
        var latest = new LatestQuery();
        var reading = ReadQueriesAsync(requests, latest, token);
        var never = Task.Delay(Timeout.Infinite, token);
        SearchRequest? request = null;
        SearchPlan? plan = null;
        string? shown = null;
        var content = never;
        while (true)
        {
            var woke = await Task.WhenAny(latest.WaitAsync(), content, plan is null ? never : Task.Delay(LivePollInterval, token), reading);
            var reason = SearchRefreshReason.Content;
            if (latest.Take() is { } next)
            {
                // An empty box is not an error while typing: it has no results.
                (request, plan, reason, shown) = (next, next.Query.Trim().Length == 0 ? null : await PlanAsync(caller, next, "search.", token), SearchRefreshReason.Query, null);
            }
            else if (woke == reading)
            {
                // The caller has closed its side (or it failed): nothing more will be asked.
                await reading;
                return;
            }
            else
            {
                await Task.Delay(LiveDebounce, token);
            }

            if (request is null)
            {
                continue;
            }

            var size = SearchRules.PageSize("search.page_size", request.PageSize);
            content = plan is null ? never : changes.NextAsync(caller.TenantId, plan.Query.Filter.Scopes);
            var response = plan is null
                ? new SearchResponse { Mode = request.Mode }
                : SearchMapping.ToResponse(await engine.SearchAsync(plan.Query with { Limit = size }, token), plan.RoomNames, 0, size);
            var fingerprint = SearchMapping.Fingerprint(response);
            if (fingerprint != shown)
            {
                await responses.WriteAsync(new SearchStreamResponse { Response = response, Query = request.Query, Reason = reason }, token);
                shown = fingerprint;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<SuggestResponse> Suggest(SuggestRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var prefix = SearchRules.Prefix(request.Prefix);
        var limit = SearchRules.SuggestLimit(request.Limit);
        var suggestions = new List<Suggestion>();
        void Add(string text, SuggestionKind kind, string id)
        {
            if (suggestions.Count < limit && !suggestions.Any(s => s.Kind == kind && string.Equals(s.Text, text, StringComparison.OrdinalIgnoreCase)))
            {
                suggestions.Add(new Suggestion { Text = text, Kind = kind, Id = id });
            }
        }

        foreach (var entry in await history.FindByPrefixAsync(caller.TenantId, caller.PrincipalId, prefix, limit, token))
        {
            Add(entry.Query, SuggestionKind.PastQuery, string.Empty);
        }

        // Rooms whose name starts with what was typed come before those that merely contain it.
        var rooms = await access.FindRoomsAsync(caller.TenantId, prefix, caller.PrincipalId, limit * 2, token);
        foreach (var room in rooms.OrderBy(r => r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? 0 : 1))
        {
            Add(room.Name, SuggestionKind.Room, room.Id);
        }

        var scopes = await ReadableScopesAsync(caller, token);
        foreach (var (id, name) in await chunks.FindFileNamesAsync(new ChunkFilter(caller.TenantId, scopes.Scopes), prefix, limit, token))
        {
            Add(name, SuggestionKind.File, id);
        }

        foreach (var person in await access.FindPeopleAsync(caller.TenantId, prefix, limit, token))
        {
            Add(person.Name, SuggestionKind.Person, person.Id);
        }

        var response = new SuggestResponse();
        response.Suggestions.AddRange(suggestions);
        return response;
    }

    /// <inheritdoc />
    public override async Task<ListSearchHistoryResponse> ListSearchHistory(ListSearchHistoryRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.PageSize < 0)
        {
            throw AtomErrors.InvalidField("page_size", "must not be negative (0 means the default, 50).");
        }

        var page = await history.ListAsync(caller.TenantId, caller.PrincipalId, new PageRequest(Math.Min(request.PageSize, 200), request.PageToken), context.CancellationToken);
        var response = new ListSearchHistoryResponse { NextPageToken = page.NextPageToken };
        response.Entries.AddRange(page.Items.Select(SearchMapping.ToProto));
        return response;
    }

    /// <inheritdoc />
    public override async Task<DeleteSearchHistoryResponse> DeleteSearchHistory(DeleteSearchHistoryRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.All == (request.EntryIds.Count > 0))
        {
            throw AtomErrors.InvalidField(request.All ? "entry_ids" : "all", "name the entries to delete (entry_ids) or set all, not both and not neither.");
        }

        var ids = request.All ? null : SearchRules.Ids("entry_ids", request.EntryIds);
        return new DeleteSearchHistoryResponse { Deleted = await history.DeleteAsync(caller.TenantId, caller.PrincipalId, ids, context.CancellationToken) };
    }

    /// <inheritdoc />
    public override async Task<GetSearchSettingsResponse> GetSearchSettings(GetSearchSettingsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var enabled = await history.IsEnabledAsync(caller.TenantId, caller.PrincipalId, context.CancellationToken);
        return new GetSearchSettingsResponse { Settings = new SearchSettings { HistoryEnabled = enabled } };
    }

    /// <inheritdoc />
    public override async Task<UpdateSearchSettingsResponse> UpdateSearchSettings(UpdateSearchSettingsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var settings = request.Settings ?? throw AtomErrors.InvalidField("settings", "is required.");
        var paths = request.UpdateMask?.Paths;
        if (paths is null || paths.Count == 0)
        {
            throw AtomErrors.InvalidField("update_mask", "name the fields to change: history_enabled.");
        }

        var enabled = await history.IsEnabledAsync(caller.TenantId, caller.PrincipalId, context.CancellationToken);
        foreach (var path in paths)
        {
            enabled = path == "history_enabled"
                ? await history.SetEnabledAsync(caller.TenantId, caller.PrincipalId, settings.HistoryEnabled, context.CancellationToken)
                : throw AtomErrors.InvalidField("update_mask", $"'{path}' cannot be changed; only history_enabled can.");
        }

        return new UpdateSearchSettingsResponse { Settings = new SearchSettings { HistoryEnabled = enabled } };
    }

    private static async Task ReadQueriesAsync(IAsyncStreamReader<SearchStreamRequest> requests, LatestQuery latest, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (await requests.MoveNext(cancellationToken))
        {
            latest.Set(requests.Current.Search ?? throw AtomErrors.InvalidField("search", "is required."));
        }
    }

    // What a request searches once it is checked: the engine's query, and the names of the rooms it may show.
    private async Task<SearchPlan> PlanAsync(Caller caller, SearchRequest request, string field, CancellationToken cancellationToken)
    {
        var text = SearchRules.QueryText(field + "query", request.Query);
        var mode = SearchRules.Mode(field + "mode", request.Mode);
        var kinds = SearchRules.Kinds(field + "scopes", request.Scopes);
        var filter = request.Filter ?? new SearchFilter();
        var authors = SearchRules.Ids(field + "filter.author_ids", filter.AuthorIds);
        var types = SearchRules.FileTypes(field + "filter.file_types", filter.FileTypes);
        var (from, before) = SearchRules.Dates(field + "filter", filter);

        ReadableScopes readable;
        if (filter.RoomIds.Count > 0)
        {
            SearchRules.Ids(field + "filter.room_ids", filter.RoomIds);
            var rooms = new List<SearchRoom>();
            foreach (var named in filter.RoomIds)
            {
                rooms.Add(await access.FindRoomAsync(caller.TenantId, named, caller.PrincipalId, cancellationToken) ?? throw RpcErrors.NotFound("room", named));
            }

            readable = new ReadableScopes([.. rooms.Select(r => SearchSource.RoomScope(r.Id)).Distinct()], rooms.DistinctBy(r => r.Id).ToDictionary(r => r.Id, r => r.Name));
        }
        else
        {
            readable = await ReadableScopesAsync(caller, cancellationToken);
        }

        var chunkFilter = new ChunkFilter(caller.TenantId, readable.Scopes)
        {
            Kinds = kinds,
            AuthorIds = authors.Count > 0 ? authors : null,
            FileTypes = types.Count > 0 ? types : null,
            CreatedFrom = from,
            CreatedBefore = before,
        };
        return new SearchPlan(new SearchQuery(text, mode, chunkFilter, SearchRules.MaxResults), readable.RoomNames, SearchRules.Fingerprint(request));
    }

    private async Task<ReadableScopes> ReadableScopesAsync(Caller caller, CancellationToken cancellationToken)
    {
        var rooms = await access.RoomsOfAsync(caller.TenantId, caller.PrincipalId, cancellationToken);
        return new ReadableScopes(
            [SearchSource.UserScope(caller.PrincipalId), .. rooms.Select(r => SearchSource.RoomScope(r.Id))],
            rooms.ToDictionary(r => r.Id, r => r.Name));
    }

    // The newest query a live search was sent, until the search takes it.
    private sealed class LatestQuery
    {
        private readonly Lock _lock = new();
        private SearchRequest? _pending;
        private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set(SearchRequest request)
        {
            lock (_lock)
            {
                _pending = request;
                _arrived.TrySetResult();
            }
        }

        public Task WaitAsync()
        {
            lock (_lock)
            {
                return _arrived.Task;
            }
        }

        public SearchRequest? Take()
        {
            lock (_lock)
            {
                var request = _pending;
                _pending = null;
                if (_arrived.Task.IsCompleted)
                {
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return request;
            }
        }
    }

    private sealed record ReadableScopes(IReadOnlyCollection<string> Scopes, IReadOnlyDictionary<string, string> RoomNames);
}
