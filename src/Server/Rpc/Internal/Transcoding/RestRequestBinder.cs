using System.Collections;
using System.Text;
using System.Text.Json;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// Builds the request message of a REST call: the body (whole message or one field), then the path
/// variables, then the query string for every field neither binds. All values go through
/// <see cref="RpcJson.Parser"/>, so path and query values get the proto3 JSON conversions a body gets.
/// Every failure is INVALID_ARGUMENT with a BadRequest violation naming the field.
/// </summary>
internal static class RestRequestBinder
{
    public static async Task<IMessage> BindAsync(HttpContext http, RestRoute route, string[] pathValues, int maxBodySize, CancellationToken cancellationToken)
    {
        var input = route.Method.Method.Descriptor.InputType;
        var message = NewMessage(input);
        if (route.HasBody)
        {
            var body = await ReadBodyAsync(http.Request, maxBodySize, cancellationToken);
            if (!string.IsNullOrWhiteSpace(body))
            {
                BindBody(message, route, body);
            }
        }

        for (var i = 0; i < pathValues.Length; i++)
        {
            var field = route.VariableFields[i];
            SetValues(message, field.Fields, field.Text, [pathValues[i]]);
        }

        if (http.Request.Query.Count > 0)
        {
            BindQuery(message, route, http.Request.Query);
        }

        return message;
    }

    private static void BindBody(IMessage message, RestRoute route, string body)
    {
        var fieldName = route.BodyField?.Text;
        try
        {
            // One JSON value and nothing after it; also what makes wrapping it for a body field safe.
            using (JsonDocument.Parse(body))
            {
            }
        }
        catch (JsonException ex)
        {
            throw AtomErrors.InvalidField(fieldName ?? "body", $"the body is not valid JSON: {ex.Message}");
        }

        if (route.BodyField is null)
        {
            var parsed = Parse(body, message.Descriptor, fieldName ?? "body");
            message.MergeFrom(parsed.ToByteString());
            return;
        }

        var field = route.BodyField.Leaf;
        var wrapped = Parse("{" + ScalarValues.Quote(field.Name) + ":" + body + "}", message.Descriptor, field.Name);
        CopyField(field, wrapped, message);
    }

    private static void BindQuery(IMessage message, RestRoute route, IQueryCollection query)
    {
        var input = message.Descriptor;
        foreach (var (name, values) in query)
        {
            var path = ResolveQueryField(input, name);
            foreach (var bound in route.BoundFields)
            {
                if (bound.Overlaps(path))
                {
                    throw AtomErrors.InvalidField(name, route.BodyIsWholeMessage
                        ? "query parameters are not taken by this method: every field comes from the body"
                        : $"the field is already bound by the {(bound == route.BodyField ? "body" : "path")}");
                }
            }

            if (route.BodyIsWholeMessage)
            {
                throw AtomErrors.InvalidField(name, "query parameters are not taken by this method: every field comes from the body");
            }

            var leaf = path[^1];
            if (!leaf.IsRepeated && values.Count > 1)
            {
                throw AtomErrors.InvalidField(name, $"given {values.Count} times, but the field takes one value");
            }

            SetValues(message, path, name, [.. values.Select(v => v ?? string.Empty)]);
        }
    }

    private static List<FieldDescriptor> ResolveQueryField(MessageDescriptor root, string name)
    {
        var fields = new List<FieldDescriptor>();
        var current = root;
        var parts = name.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var field = FindField(current, parts[i])
                ?? throw AtomErrors.InvalidField(name, $"unknown query parameter: {current.FullName} has no field '{parts[i]}'");
            fields.Add(field);
            if (i < parts.Length - 1)
            {
                if (field.FieldType != FieldType.Message || field.IsRepeated || field.IsMap || ScalarValues.IsScalarLike(field.MessageType))
                {
                    throw AtomErrors.InvalidField(name, $"unknown query parameter: '{parts[i]}' is not a message field to select into");
                }

                current = field.MessageType;
            }
            else if (!ScalarValues.IsScalarField(field))
            {
                throw AtomErrors.InvalidField(name, $"the field is a {ScalarValues.TypeName(field)}; query parameters set scalar fields only (use dotted names for nested fields)");
            }
        }

        return fields;
    }

    private static FieldDescriptor? FindField(MessageDescriptor type, string name)
    {
        var field = type.FindFieldByName(name);
        if (field is not null)
        {
            return field;
        }

        foreach (var candidate in type.Fields.InDeclarationOrder())
        {
            if (string.Equals(candidate.JsonName, name, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Sets a (nested) field from text values: one for a singular field, any number for a repeated one.</summary>
    private static void SetValues(IMessage message, IReadOnlyList<FieldDescriptor> path, string name, string[] values)
    {
        var leaf = path[^1];
        var json = new StringBuilder();
        foreach (var field in path)
        {
            json.Append('{').Append(ScalarValues.Quote(field.Name)).Append(':');
        }

        if (leaf.IsRepeated)
        {
            json.Append('[').AppendJoin(',', values.Select(v => ScalarValues.ToJsonToken(leaf, v))).Append(']');
        }
        else
        {
            json.Append(ScalarValues.ToJsonToken(leaf, values[0]));
        }

        json.Append('}', path.Count);
        IMessage parsed;
        try
        {
            parsed = RpcJson.Parser.Parse(json.ToString(), message.Descriptor);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException)
        {
            var shown = values.Length == 1 ? $"'{values[0]}'" : $"[{string.Join(", ", values.Select(v => $"'{v}'"))}]";
            throw AtomErrors.InvalidField(name, $"{shown} is not a valid {ScalarValues.TypeName(leaf)}: {ex.Message}");
        }

        // Walk both messages to the leaf's parent, making the target's intermediate messages as needed.
        var source = parsed;
        var target = message;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var field = path[i];
            source = (IMessage)field.Accessor.GetValue(source);
            var next = (IMessage?)field.Accessor.GetValue(target);
            if (next is null)
            {
                next = NewMessage(field.MessageType);
                field.Accessor.SetValue(target, next);
            }

            target = next;
        }

        CopyField(leaf, source, target);
    }

    private static IMessage Parse(string json, MessageDescriptor descriptor, string field)
    {
        try
        {
            return RpcJson.Parser.Parse(json, descriptor);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException)
        {
            throw AtomErrors.InvalidField(UnknownFieldName(ex.Message) is { } unknown ? (field == "body" ? unknown : field + "." + unknown) : field, ex.Message);
        }
    }

    /// <summary>The field named by the parser's "Unknown field: x" message, so the violation names it.</summary>
    private static string? UnknownFieldName(string message)
    {
        const string prefix = "Unknown field: ";
        var at = message.IndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? null : message[(at + prefix.Length)..].Trim().TrimEnd('.');
    }

    /// <summary>Copies one field; a singular field replaces, a repeated or map field adds.</summary>
    private static void CopyField(FieldDescriptor field, IMessage from, IMessage to)
    {
        var value = field.Accessor.GetValue(from);
        if (field.IsMap)
        {
            var target = (IDictionary)field.Accessor.GetValue(to);
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                target[entry.Key] = entry.Value;
            }
        }
        else if (field.IsRepeated)
        {
            var target = (IList)field.Accessor.GetValue(to);
            foreach (var item in (IList)value)
            {
                target.Add(item);
            }
        }
        else if (value is null)
        {
            field.Accessor.Clear(to);
        }
        else
        {
            field.Accessor.SetValue(to, value);
        }
    }

    private static IMessage NewMessage(MessageDescriptor descriptor) => descriptor.Parser.ParseFrom(ByteString.Empty);

    private static async Task<string> ReadBodyAsync(HttpRequest request, int maxSize, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxSize)
        {
            throw TooLarge(maxSize);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxSize)
            {
                throw TooLarge(maxSize);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw AtomErrors.InvalidField("body", "the body is not valid UTF-8");
        }
    }

    private static RpcException TooLarge(int maxSize) =>
        AtomErrors.Exception(StatusCode.ResourceExhausted, ErrorReason.MessageTooLarge, $"The request body is larger than the limit of {maxSize} bytes.");
}
