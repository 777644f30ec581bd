using System.Buffers;
using System.Text.Json;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// The JSON of Qdrant's REST API that the store sends and reads: request bodies written with <see cref="Utf8JsonWriter"/>
/// (vectors are most of the bytes), answers read from <see cref="JsonDocument"/>s. The payload keys are Atom's; the point
/// id key holds the caller's id, since Qdrant's own is a UUID made from it.
/// </summary>
internal static class QdrantJson
{
    public const string IdKey = "point_id";
    public const string TenantKey = "tenant_id";
    public const string SourceKey = "source_id";
    public const string ScopeKey = "scope";
    public const string KindKey = "kind";
    public const string CreatedKey = "created_at";
    public const string CategoryKey = "category";

    /// <summary>The payload fields filters use, with the index type each needs; exact matches on keywords, ranges on integers.</summary>
    public static readonly (string Field, string Schema)[] IndexedFields =
    [
        (TenantKey, "keyword"), (SourceKey, "keyword"), (ScopeKey, "keyword"), (KindKey, "keyword"), (CategoryKey, "keyword"), (CreatedKey, "integer"),
    ];

    public static byte[] CreateCollection(int dimensions) => Write(w =>
    {
        w.WriteStartObject("vectors");
        w.WriteNumber("size", dimensions);
        w.WriteString("distance", "Cosine");
        w.WriteEndObject();
    });

    public static byte[] CreateIndex(string field, string schema) => Write(w =>
    {
        w.WriteString("field_name", field);
        w.WriteString("field_schema", schema);
    });

    public static byte[] Upsert(IEnumerable<VectorPoint> points) => Write(w =>
    {
        w.WriteStartArray("points");
        foreach (var point in points)
        {
            w.WriteStartObject();
            w.WriteString("id", QdrantPointId.For(point.Id));
            WriteVector(w, "vector", point.Vector.Span);
            w.WriteStartObject("payload");
            w.WriteString(IdKey, point.Id);
            w.WriteString(TenantKey, point.Payload.TenantId);
            w.WriteString(SourceKey, point.Payload.SourceId);
            w.WriteString(ScopeKey, point.Payload.Scope);
            w.WriteString(KindKey, point.Payload.Kind);
            w.WriteNumber(CreatedKey, point.Payload.CreatedAt);
            w.WriteString(CategoryKey, point.Payload.Category);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static byte[] DeleteIds(IEnumerable<string> ids) => Write(w =>
    {
        w.WriteStartArray("points");
        foreach (var id in ids)
        {
            w.WriteStringValue(QdrantPointId.For(id));
        }

        w.WriteEndArray();
    });

    public static byte[] DeleteBySource(string tenantId, string sourceId) => Write(w =>
    {
        w.WriteStartObject("filter");
        w.WriteStartArray("must");
        Match(w, TenantKey, tenantId);
        Match(w, SourceKey, sourceId);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>A search: the tenant and every filter of the query as <c>must</c> conditions, sets as <c>match any</c>.</summary>
    public static byte[] Search(VectorQuery query) => Write(w =>
    {
        WriteVector(w, "vector", query.Vector.Span);
        w.WriteNumber("limit", query.Limit);
        w.WriteBoolean("with_payload", true);
        w.WriteStartObject("filter");
        w.WriteStartArray("must");
        Match(w, TenantKey, query.TenantId);
        MatchAny(w, ScopeKey, query.Scopes);
        MatchAny(w, KindKey, query.Kinds);
        MatchAny(w, CategoryKey, query.Categories);
        if (query.CreatedFrom is not null || query.CreatedTo is not null)
        {
            w.WriteStartObject();
            w.WriteString("key", CreatedKey);
            w.WriteStartObject("range");
            if (query.CreatedFrom is { } from)
            {
                w.WriteNumber("gte", from);
            }

            if (query.CreatedTo is { } to)
            {
                w.WriteNumber("lt", to);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] ExactCount() => Write(w => w.WriteBoolean("exact", true));

    /// <summary>The dimensions of a collection from <c>GET /collections/{name}</c>.</summary>
    /// <exception cref="InvalidOperationException">The collection has named vectors (not made by Atom).</exception>
    public static int Dimensions(JsonElement answer, string collection)
    {
        var vectors = answer.GetProperty("result").GetProperty("config").GetProperty("params").GetProperty("vectors");
        return vectors.ValueKind == JsonValueKind.Object && vectors.TryGetProperty("size", out var size)
            ? size.GetInt32()
            : throw new InvalidOperationException($"Qdrant collection '{collection}' has named vectors; Atom needs one unnamed vector per point.");
    }

    public static long Count(JsonElement answer) => answer.GetProperty("result").GetProperty("count").GetInt64();

    /// <summary>The hits of a search answer; points without Atom's payload (written by something else) are skipped.</summary>
    public static List<VectorHit> Hits(JsonElement answer)
    {
        var hits = new List<VectorHit>();
        foreach (var point in answer.GetProperty("result").EnumerateArray())
        {
            if (point.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
                && Text(p, IdKey) is { } id && Text(p, TenantKey) is { } tenant && Text(p, SourceKey) is { } source
                && Text(p, ScopeKey) is { } scope && Text(p, KindKey) is { } kind
                && p.TryGetProperty(CreatedKey, out var created) && created.TryGetInt64(out var createdAt))
            {
                var category = Text(p, CategoryKey) ?? string.Empty;
                hits.Add(new VectorHit(id, point.GetProperty("score").GetSingle(), new VectorPayload(tenant, source, scope, kind, createdAt, category)));
            }
        }

        return hits;
    }

    /// <summary>The reason Qdrant gives in an error answer (<c>status.error</c>), if any.</summary>
    public static string? Error(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            return doc.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("error", out var error) ? error.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement payload, string key) =>
        payload.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void Match(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("match");
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void MatchAny(Utf8JsonWriter w, string key, IReadOnlyCollection<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("match");
        w.WriteStartArray("any");
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteVector(Utf8JsonWriter w, string name, ReadOnlySpan<float> vector)
    {
        w.WriteStartArray(name);
        foreach (var x in vector)
        {
            w.WriteNumberValue(x);
        }

        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
