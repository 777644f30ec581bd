using System.Text;
using System.Text.Json;
using Atom.Server.Rpc.Internal.Transcoding;
using Google.Protobuf.Reflection;

namespace Atom.Server.Rpc.Internal.OpenApi;

/// <summary>
/// Writes the OpenAPI 3.1 document: a path item per template, an operation per binding, and a schema per
/// reachable message and enum in the proto3 JSON mapping (see <see cref="OpenApiSchemaWriter"/>).
/// </summary>
internal static class OpenApiDocumentWriter
{
    private const string JsonMediaType = "application/json";
    private const string NdjsonMediaType = "application/x-ndjson";
    private const string StatusTypeName = "google.rpc.Status";

    public static byte[] Write(IReadOnlyList<RestRoute> routes, string version)
    {
        var schemas = new OpenApiSchemaWriter();
        schemas.Reference(Atom.Google.Rpc.Status.Descriptor);

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("openapi", "3.1.0");
            json.WriteStartObject("info");
            json.WriteString("title", "Atom");
            json.WriteString("version", version);
            json.WriteString("description", "The JSON REST face of Atom, transcoded from the google.api.http rules of its gRPC contracts. "
                + "Messages use the proto3 JSON mapping; errors are google.rpc.Status; server streams are NDJSON (one message per line).");
            json.WriteEndObject();

            WriteTags(json, routes);
            WritePaths(json, routes, schemas);

            json.WriteStartObject("components");
            json.WriteStartObject("schemas");
            schemas.WriteAll(json);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteTags(Utf8JsonWriter json, IReadOnlyList<RestRoute> routes)
    {
        json.WriteStartArray("tags");
        foreach (var service in routes.Select(r => r.Method.Method.Descriptor.Service).DistinctBy(s => s.FullName).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", service.Name);
            json.WriteString("description", service.FullName);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WritePaths(Utf8JsonWriter json, IReadOnlyList<RestRoute> routes, OpenApiSchemaWriter schemas)
    {
        // Several bindings may share a path (GET and POST on /v1/things); one path item holds them all.
        var byPath = routes
            .Select(r => (Path: OpenApiPath(r.Template), Route: r))
            .GroupBy(x => x.Path, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var operationIds = new HashSet<string>(StringComparer.Ordinal);

        json.WriteStartObject("paths");
        foreach (var group in byPath)
        {
            json.WriteStartObject(group.Key);
            foreach (var (_, route) in group.DistinctBy(x => x.Route.HttpMethod))
            {
                WriteOperation(json, route, schemas, operationIds);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteOperation(Utf8JsonWriter json, RestRoute route, OpenApiSchemaWriter schemas, HashSet<string> operationIds)
    {
        var method = route.Method.Method;
        var descriptor = method.Descriptor;
        var input = descriptor.InputType;

        // OpenAPI knows get, put, post, delete, options, head, patch, trace; other custom kinds cannot be described.
        var verb = route.HttpMethod.ToLowerInvariant();
        if (verb is not ("get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace"))
        {
            return;
        }

        json.WriteStartObject(verb);
        json.WriteStartArray("tags");
        json.WriteStringValue(descriptor.Service.Name);
        json.WriteEndArray();

        var operationId = descriptor.Service.Name + "_" + descriptor.Name;
        for (var n = 2; !operationIds.Add(operationId); n++)
        {
            operationId = descriptor.Service.Name + "_" + descriptor.Name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        json.WriteString("operationId", operationId);
        json.WriteString("summary", $"{descriptor.Service.Name}.{descriptor.Name}");
        json.WriteString("description", $"Transcoded to the gRPC method {method.FullName}."
            + (route.IsServerStreaming ? " A server stream: the response is NDJSON, one message per line; an error after the first line ends it with a line {\"error\": google.rpc.Status}." : string.Empty));

        json.WriteStartArray("parameters");
        for (var i = 0; i < route.VariableFields.Count; i++)
        {
            var field = route.VariableFields[i];
            var variable = route.Template.Variables[i];
            json.WriteStartObject();
            json.WriteString("name", field.Text);
            json.WriteString("in", "path");
            json.WriteBoolean("required", true);
            if (variable.IsMultiSegment)
            {
                json.WriteString("description", $"Matches the segments '{SegmentsText(route.Template, variable)}'; slashes are kept.");
            }

            json.WritePropertyName("schema");
            schemas.WriteFieldSchema(json, field.Leaf, description: null);
            json.WriteEndObject();
        }

        if (!route.BodyIsWholeMessage)
        {
            foreach (var (name, field) in QueryFields(input, route))
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("in", "query");
                if (field.IsRepeated)
                {
                    json.WriteString("style", "form");
                    json.WriteBoolean("explode", true);
                }

                json.WritePropertyName("schema");
                schemas.WriteFieldSchema(json, field, description: null);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();

        if (route.HasBody)
        {
            json.WriteStartObject("requestBody");
            json.WriteString("description", route.BodyIsWholeMessage
                ? $"The {input.Name}; fields bound by the path are taken from the path. An empty body is an empty message."
                : $"The field '{route.BodyField!.Text}' of {input.Name}.");
            json.WriteStartObject("content");
            json.WriteStartObject(JsonMediaType);
            json.WritePropertyName("schema");
            if (route.BodyField is null)
            {
                schemas.WriteReference(json, input);
            }
            else
            {
                schemas.WriteFieldSchema(json, route.BodyField.Leaf, description: null);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject("responses");
        json.WriteStartObject("200");
        json.WriteString("description", route.IsServerStreaming ? $"A stream of {descriptor.OutputType.Name}, one JSON message per line." : $"The {descriptor.OutputType.Name}.");
        json.WriteStartObject("content");
        json.WriteStartObject(route.IsServerStreaming ? NdjsonMediaType : JsonMediaType);
        json.WritePropertyName("schema");
        if (route.ResponseField is null)
        {
            schemas.WriteReference(json, descriptor.OutputType);
        }
        else
        {
            schemas.WriteFieldSchema(json, route.ResponseField.Leaf, description: null);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject("default");
        json.WriteString("description", "An error: the HTTP status follows the gRPC code; the body is a google.rpc.Status with typed details.");
        json.WriteStartObject("content");
        json.WriteStartObject(JsonMediaType);
        json.WritePropertyName("schema");
        json.WriteStartObject();
        json.WriteString("$ref", OpenApiSchemaWriter.ReferencePath(StatusTypeName));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteEndObject();
    }

    /// <summary>The fields a query string may set: scalar leaves (dotted through singular messages) not bound by path or body.</summary>
    private static List<(string Name, FieldDescriptor Field)> QueryFields(MessageDescriptor input, RestRoute route)
    {
        var results = new List<(string Name, FieldDescriptor Field)>();
        Collect(input, string.Empty, [], []);
        return results;

        void Collect(MessageDescriptor type, string prefix, List<FieldDescriptor> path, HashSet<string> visiting)
        {
            if (!visiting.Add(type.FullName) || path.Count >= 8)
            {
                return;
            }

            foreach (var field in type.Fields.InDeclarationOrder())
            {
                path.Add(field);
                if (!route.BoundFields.Any(b => b.Overlaps(path)))
                {
                    if (ScalarValues.IsScalarField(field))
                    {
                        results.Add((prefix + field.Name, field));
                    }
                    else if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap)
                    {
                        Collect(field.MessageType, prefix + field.Name + ".", path, visiting);
                    }
                }

                path.RemoveAt(path.Count - 1);
            }

            visiting.Remove(type.FullName);
        }
    }

    /// <summary>The template as an OpenAPI path: variables become "{field.path}", the verb stays as ":verb".</summary>
    private static string OpenApiPath(PathTemplate template)
    {
        var builder = new StringBuilder();
        var segment = 0;
        foreach (var variable in template.Variables.Append(null))
        {
            var end = variable?.StartSegment ?? template.Segments.Count;
            for (; segment < end; segment++)
            {
                builder.Append('/').Append(SegmentText(template.Segments[segment]));
            }

            if (variable is not null)
            {
                builder.Append("/{").Append(variable.FieldPath).Append('}');
                segment = variable.EndSegment;
            }
        }

        if (template.Verb is not null)
        {
            builder.Append(':').Append(template.Verb);
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    private static string SegmentsText(PathTemplate template, TemplateVariable variable) =>
        string.Join('/', template.Segments.Skip(variable.StartSegment).Take(variable.EndSegment - variable.StartSegment).Select(SegmentText));

    private static string SegmentText(TemplateSegment segment) => segment.Kind switch
    {
        SegmentKind.Literal => segment.Literal!,
        SegmentKind.Wildcard => "*",
        _ => "**",
    };
}
