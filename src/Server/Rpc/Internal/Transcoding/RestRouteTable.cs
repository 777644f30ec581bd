using System.Collections.Frozen;
using Atom.Google.Api;
using Atom.Sdk;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// Every HTTP binding of every served method, built once at start-up. Routes are bucketed by their
/// first literal segment (most APIs share a handful: "v1", ...), and within a bucket tried most
/// specific first: more literal segments, a custom verb, no "**".
/// </summary>
internal sealed class RestRouteTable
{
    private readonly FrozenDictionary<string, RestRoute[]> _byFirstLiteral;
    private readonly RestRoute[] _unbucketed;

    public RestRouteTable(IEnumerable<RestRoute> routes)
    {
        Routes = [.. routes.OrderByDescending(r => r.Template.LiteralCount)
            .ThenBy(r => r.Template.Verb is null ? 1 : 0)
            .ThenBy(r => r.Template.DeepWildcardIndex >= 0 ? 1 : 0)
            .ThenByDescending(r => r.Template.Segments.Count)];
        _byFirstLiteral = Routes.Where(r => r.Template.FirstLiteral is not null)
            .GroupBy(r => r.Template.FirstLiteral!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _unbucketed = [.. Routes.Where(r => r.Template.FirstLiteral is null)];
    }

    /// <summary>Gets the routes, most specific first.</summary>
    public IReadOnlyList<RestRoute> Routes { get; }

    /// <summary>Reads the google.api.http rules (and additional_bindings) of the methods; throws naming the method for a bad rule.</summary>
    /// <param name="methods">The served methods.</param>
    /// <param name="skipped">Called for each method with a rule that cannot be served over REST (client or bidi streaming).</param>
    /// <returns>The routes.</returns>
    public static List<RestRoute> FromMethods(IEnumerable<ServerMethod> methods, Action<ServerMethod>? skipped = null)
    {
        var routes = new List<RestRoute>();
        foreach (var method in methods)
        {
            var rule = method.Method.Descriptor.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
            if (rule is null)
            {
                continue;
            }

            if (method.Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
            {
                skipped?.Invoke(method);
                continue;
            }

            AddRule(routes, method, rule, topLevel: true);
        }

        return routes;
    }

    /// <summary>The routes of one rule and its additional_bindings; throws naming the method when the rule is invalid.</summary>
    public static List<RestRoute> FromRule(ServerMethod method, HttpRule rule)
    {
        var routes = new List<RestRoute>();
        AddRule(routes, method, rule, topLevel: true);
        return routes;
    }

    /// <summary>Finds the route for a request path (raw, percent-encoded, without the query).</summary>
    /// <returns><see cref="RestMatch.Found"/>, <see cref="RestMatch.MethodNotAllowed"/> (with the allowed methods) or <see cref="RestMatch.None"/>.</returns>
    public RestMatch Match(string httpMethod, string rawPath, out RestRoute? route, out string[] values, out List<string>? allowed)
    {
        route = null;
        values = [];
        allowed = null;
        if (rawPath.Length == 0 || rawPath[0] != '/')
        {
            return RestMatch.None;
        }

        var segments = rawPath[1..].Split('/');

        // A custom verb rides on the last segment: "/v1/jobs/7:cancel".
        string[]? verbSegments = null;
        string? verb = null;
        var last = segments[^1];
        var colon = last.LastIndexOf(':');
        if (colon > 0 && colon < last.Length - 1)
        {
            verbSegments = (string[])segments.Clone();
            verbSegments[^1] = last[..colon];
            verb = last[(colon + 1)..];
        }

        var result = RestMatch.None;
        var key = Decode(segments[0]);
        if (_byFirstLiteral.TryGetValue(key, out var bucket))
        {
            result = MatchIn(bucket, httpMethod, segments, verbSegments, verb, ref route, ref values, ref allowed);
        }

        // "/v1:verb": the verb hides the first segment's literal.
        if (result != RestMatch.Found && verbSegments is { Length: 1 } && Decode(verbSegments[0]) is var verbKey && verbKey != key
            && _byFirstLiteral.TryGetValue(verbKey, out bucket))
        {
            result = Better(result, MatchIn(bucket, httpMethod, segments, verbSegments, verb, ref route, ref values, ref allowed));
        }

        if (result != RestMatch.Found)
        {
            result = Better(result, MatchIn(_unbucketed, httpMethod, segments, verbSegments, verb, ref route, ref values, ref allowed));
        }

        return result;
    }

    private static string Decode(string segment) => segment.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : segment;

    private static RestMatch Better(RestMatch a, RestMatch b) => (RestMatch)Math.Max((int)a, (int)b);

    private static RestMatch MatchIn(RestRoute[] routes, string httpMethod, string[] segments, string[]? verbSegments, string? verb,
        ref RestRoute? route, ref string[] values, ref List<string>? allowed)
    {
        var result = RestMatch.None;
        foreach (var candidate in routes)
        {
            var template = candidate.Template;
            string[] matched;
            var ok = template.Verb is null
                ? template.TryMatch(segments, null, out matched)
                : template.TryMatch(verbSegments ?? segments, verb, out matched);
            if (!ok)
            {
                continue;
            }

            if (string.Equals(candidate.HttpMethod, httpMethod, StringComparison.OrdinalIgnoreCase))
            {
                route = candidate;
                values = matched;
                return RestMatch.Found;
            }

            allowed ??= [];
            if (!allowed.Contains(candidate.HttpMethod))
            {
                allowed.Add(candidate.HttpMethod);
            }

            result = RestMatch.MethodNotAllowed;
        }

        return result;
    }

    private static void AddRule(List<RestRoute> routes, ServerMethod method, HttpRule rule, bool topLevel)
    {
        var name = method.Method.FullName;
        var (httpMethod, path) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
            HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
            HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
            HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
            HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
            HttpRule.PatternOneofCase.Custom => (rule.Custom.Kind.ToUpperInvariant(), rule.Custom.Path),
            _ => throw new InvalidOperationException($"The HTTP rule of {name} has no pattern (get, put, post, delete, patch or custom)."),
        };

        if (httpMethod.Length == 0)
        {
            throw new InvalidOperationException($"The HTTP rule of {name} has a custom pattern without a kind.");
        }

        PathTemplate template;
        try
        {
            template = PathTemplate.Parse(path);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"The HTTP rule of {name} ({httpMethod} {path}) is invalid: {ex.Message}", ex);
        }

        if (!topLevel && rule.AdditionalBindings.Count > 0)
        {
            throw new InvalidOperationException($"The HTTP rule of {name} ({httpMethod} {path}): additional_bindings may not nest.");
        }

        if (rule.Body.Length > 0 && httpMethod == "GET")
        {
            throw new InvalidOperationException($"The HTTP rule of {name} (GET {path}) has a body; GET requests carry none.");
        }

        routes.Add(new RestRoute(method, httpMethod, template, rule.Body, rule.ResponseBody));
        foreach (var additional in rule.AdditionalBindings)
        {
            AddRule(routes, method, additional, topLevel: false);
        }
    }
}

/// <summary>How a request path matched the routes.</summary>
internal enum RestMatch
{
    /// <summary>No route has this path.</summary>
    None = 0,

    /// <summary>Routes have this path, but not for this HTTP method.</summary>
    MethodNotAllowed = 1,

    /// <summary>A route matched.</summary>
    Found = 2,
}
