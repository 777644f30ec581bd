using System.Text.Json;
using Atom.Server.Rpc.Internal.Transcoding;
using Google.Protobuf.Reflection;

namespace Atom.Server.Rpc.Internal.OpenApi;

/// <summary>
/// JSON Schemas (OpenAPI 3.1 dialect) for protobuf types in the proto3 JSON mapping. Messages and enums
/// become components referenced by full name; well-known types are written inline as what their JSON is.
/// Referencing a type queues it, so <see cref="WriteAll"/> writes exactly the reachable types.
/// </summary>
internal sealed class OpenApiSchemaWriter
{
    private readonly SortedDictionary<string, IDescriptor> _types = new(StringComparer.Ordinal);
    private readonly Queue<IDescriptor> _pending = new();

    /// <summary>The $ref of a component schema.</summary>
    public static string ReferencePath(string fullName) => "#/components/schemas/" + fullName;

    /// <summary>Queues a message or enum for <see cref="WriteAll"/>.</summary>
    public void Reference(IDescriptor type)
    {
        if (_types.TryAdd(type.FullName, type))
        {
            _pending.Enqueue(type);
        }
    }

    /// <summary>Writes the schema of a message as a reference (or inline for well-known types).</summary>
    public void WriteReference(Utf8JsonWriter json, MessageDescriptor type)
    {
        if (TryWriteWellKnown(json, type, description: null))
        {
            return;
        }

        Reference(type);
        json.WriteStartObject();
        json.WriteString("$ref", ReferencePath(type.FullName));
        json.WriteEndObject();
    }

    /// <summary>Writes the schema of a field's JSON value: arrays for repeated, objects for maps.</summary>
    public void WriteFieldSchema(Utf8JsonWriter json, FieldDescriptor field, string? description)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByNumber(2);
            json.WriteStartObject();
            json.WriteString("type", "object");
            WriteDescription(json, description is null ? $"A map from {KeyTypeName(field.MessageType.FindFieldByNumber(1))} keys." : description);
            json.WritePropertyName("additionalProperties");
            WriteSingularSchema(json, value, null);
            json.WriteEndObject();
            return;
        }

        if (field.IsRepeated)
        {
            json.WriteStartObject();
            json.WriteString("type", "array");
            WriteDescription(json, description);
            json.WritePropertyName("items");
            WriteSingularSchema(json, field, null);
            json.WriteEndObject();
            return;
        }

        WriteSingularSchema(json, field, description);
    }

    /// <summary>Writes every referenced type, and the types they reference, ordered by name.</summary>
    public void WriteAll(Utf8JsonWriter json)
    {
        // Writing a message references its fields' types; drain first so the output can be sorted.
        var written = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        while (_pending.TryDequeue(out var type))
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                switch (type)
                {
                    case MessageDescriptor message:
                        WriteMessage(writer, message);
                        break;
                    case EnumDescriptor @enum:
                        WriteEnum(writer, @enum);
                        break;
                }
            }

            written[type.FullName] = buffer.ToArray();
        }

        foreach (var (name, schema) in written)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(schema, skipInputValidation: true);
        }
    }

    private void WriteMessage(Utf8JsonWriter json, MessageDescriptor message)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        json.WriteString("title", message.Name);
        var oneofs = message.Oneofs.Where(o => !o.IsSynthetic).ToList();
        var description = $"The message {message.FullName}.";
        foreach (var oneof in oneofs)
        {
            description += $" At most one of {string.Join(", ", oneof.Fields.Select(f => f.JsonName))} is set (oneof {oneof.Name}).";
        }

        json.WriteString("description", description);
        json.WriteStartObject("properties");
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            json.WritePropertyName(field.JsonName);
            var fieldDescription = field.RealContainingOneof is { } oneof
                ? $"Field {field.Name} ({field.FieldNumber}); part of oneof {oneof.Name}: at most one of {string.Join(", ", oneof.Fields.Select(f => f.JsonName))} is set."
                : $"Field {field.Name} ({field.FieldNumber}).";
            WriteFieldSchema(json, field, fieldDescription);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEnum(Utf8JsonWriter json, EnumDescriptor @enum)
    {
        json.WriteStartObject();
        json.WriteString("type", "string");
        json.WriteString("title", @enum.Name);
        json.WriteString("description", $"The enum {@enum.FullName}, by value name. Requests may also give the number.");
        json.WriteStartArray("enum");
        foreach (var value in @enum.Values)
        {
            json.WriteStringValue(value.Name);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteSingularSchema(Utf8JsonWriter json, FieldDescriptor field, string? description)
    {
        switch (field.FieldType)
        {
            case FieldType.Message or FieldType.Group:
                if (TryWriteWellKnown(json, field.MessageType, description))
                {
                    return;
                }

                Reference(field.MessageType);
                WriteRef(json, field.MessageType.FullName, description);
                return;
            case FieldType.Enum:
                Reference(field.EnumType);
                WriteRef(json, field.EnumType.FullName, description);
                return;
        }

        json.WriteStartObject();
        WriteScalarType(json, field.FieldType, nullable: false);
        WriteDescription(json, description);
        json.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter json, string fullName, string? description)
    {
        json.WriteStartObject();
        json.WriteString("$ref", ReferencePath(fullName));

        // OpenAPI 3.1 (JSON Schema 2020-12) allows siblings next to $ref.
        WriteDescription(json, description);
        json.WriteEndObject();
    }

    private static void WriteScalarType(Utf8JsonWriter json, FieldType type, bool nullable)
    {
        var (jsonType, format) = type switch
        {
            FieldType.Double => ("number", "double"),
            FieldType.Float => ("number", "float"),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ("integer", "int32"),
            FieldType.UInt32 or FieldType.Fixed32 => ("integer", "uint32"),

            // proto3 JSON writes 64-bit integers as strings: JavaScript numbers lose precision past 2^53.
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ("string", "int64"),
            FieldType.UInt64 or FieldType.Fixed64 => ("string", "uint64"),
            FieldType.Bool => ("boolean", null),
            FieldType.Bytes => ("string", "byte"),
            _ => ("string", (string?)null),
        };

        if (nullable)
        {
            json.WriteStartArray("type");
            json.WriteStringValue(jsonType);
            json.WriteStringValue("null");
            json.WriteEndArray();
        }
        else
        {
            json.WriteString("type", jsonType);
        }

        if (format is not null)
        {
            json.WriteString("format", format);
        }
    }

    private static bool TryWriteWellKnown(Utf8JsonWriter json, MessageDescriptor type, string? description)
    {
        if (ScalarValues.IsWrapper(type))
        {
            json.WriteStartObject();
            WriteScalarType(json, type.FindFieldByNumber(1).FieldType, nullable: true);
            WriteDescription(json, description ?? $"A {type.Name}: the value, or null when unset.");
            json.WriteEndObject();
            return true;
        }

        switch (type.FullName)
        {
            case "google.protobuf.Timestamp":
                WriteSimple(json, "string", "date-time", description ?? "An RFC 3339 timestamp in UTC, e.g. 2024-01-02T03:04:05.678Z.");
                return true;
            case "google.protobuf.Duration":
                WriteSimple(json, "string", null, description ?? "A duration in seconds with an 's' suffix, e.g. 1.5s.", pattern: @"^-?[0-9]+(\.[0-9]{1,9})?s$");
                return true;
            case "google.protobuf.FieldMask":
                WriteSimple(json, "string", null, description ?? "A field mask: comma-separated lowerCamelCase field paths.");
                return true;
            case "google.protobuf.Struct":
                json.WriteStartObject();
                json.WriteString("type", "object");
                json.WriteBoolean("additionalProperties", true);
                WriteDescription(json, description ?? "Any JSON object.");
                json.WriteEndObject();
                return true;
            case "google.protobuf.Value":
                json.WriteStartObject();
                WriteDescription(json, description ?? "Any JSON value.");
                json.WriteEndObject();
                return true;
            case "google.protobuf.ListValue":
                json.WriteStartObject();
                json.WriteString("type", "array");
                WriteDescription(json, description ?? "Any JSON array.");
                json.WriteEndObject();
                return true;
            case "google.protobuf.Empty":
                json.WriteStartObject();
                json.WriteString("type", "object");
                WriteDescription(json, description ?? "An empty object.");
                json.WriteEndObject();
                return true;
            case "google.protobuf.Any":
                json.WriteStartObject();
                json.WriteString("type", "object");
                WriteDescription(json, description ?? "A message of any type: '@type' names it (type.googleapis.com/<full name>), the other properties are its fields.");
                json.WriteStartObject("properties");
                json.WriteStartObject("@type");
                json.WriteString("type", "string");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("required");
                json.WriteStringValue("@type");
                json.WriteEndArray();
                json.WriteBoolean("additionalProperties", true);
                json.WriteEndObject();
                return true;
            default:
                return false;
        }
    }

    private static void WriteSimple(Utf8JsonWriter json, string type, string? format, string description, string? pattern = null)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        if (format is not null)
        {
            json.WriteString("format", format);
        }

        if (pattern is not null)
        {
            json.WriteString("pattern", pattern);
        }

        WriteDescription(json, description);
        json.WriteEndObject();
    }

    private static void WriteDescription(Utf8JsonWriter json, string? description)
    {
        if (description is not null)
        {
            json.WriteString("description", description);
        }
    }

    private static string KeyTypeName(FieldDescriptor key) => key.FieldType.ToString().ToLowerInvariant();
}
