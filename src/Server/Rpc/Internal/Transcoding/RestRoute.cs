using Atom.Sdk;
using Google.Protobuf.Reflection;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// One HTTP binding of a method (a google.api.http rule or one of its additional_bindings), validated at
/// start-up: its template's variables, its body field and its response field are resolved to descriptors.
/// </summary>
internal sealed class RestRoute
{
    public RestRoute(ServerMethod method, string httpMethod, PathTemplate template, string body, string responseBody)
    {
        Method = method;
        HttpMethod = httpMethod;
        Template = template;
        var descriptor = method.Method.Descriptor;
        var input = descriptor.InputType;
        var methodName = method.Method.FullName;

        VariableFields = [.. template.Variables.Select(v => FieldPath.Resolve(input, v.FieldPath, methodName, $"path variable '{{{v.FieldPath}}}'", leafMustBeScalar: true))];
        if (body.Length > 0 && body != "*")
        {
            BodyField = FieldPath.Resolve(input, body, methodName, $"body '{body}'", leafMustBeScalar: false);
            if (BodyField.Fields.Count != 1)
            {
                throw new InvalidOperationException($"The HTTP rule of {methodName} names body '{body}': the body must be a top-level field of {input.FullName}.");
            }
        }

        BodyIsWholeMessage = body == "*";
        if (responseBody.Length > 0)
        {
            ResponseField = FieldPath.Resolve(descriptor.OutputType, responseBody, methodName, $"response_body '{responseBody}'", leafMustBeScalar: false);
            if (ResponseField.Fields.Count != 1)
            {
                throw new InvalidOperationException($"The HTTP rule of {methodName} names response_body '{responseBody}': it must be a top-level field of {descriptor.OutputType.FullName}.");
            }
        }

        var bound = new List<FieldPath>(VariableFields);
        if (BodyField is not null)
        {
            bound.Add(BodyField);
        }

        BoundFields = bound;
    }

    /// <summary>Gets the method the route calls.</summary>
    public ServerMethod Method { get; }

    /// <summary>Gets the HTTP method, upper case (GET, POST, ... or a custom kind).</summary>
    public string HttpMethod { get; }

    /// <summary>Gets the path template.</summary>
    public PathTemplate Template { get; }

    /// <summary>Gets the fields the template's variables bind, in the template's order.</summary>
    public IReadOnlyList<FieldPath> VariableFields { get; }

    /// <summary>Gets the field the body binds to (body: "field"), or null.</summary>
    public FieldPath? BodyField { get; }

    /// <summary>Gets a value indicating whether the body is the whole request (body: "*").</summary>
    public bool BodyIsWholeMessage { get; }

    /// <summary>Gets a value indicating whether the request has a body at all.</summary>
    public bool HasBody => BodyIsWholeMessage || BodyField is not null;

    /// <summary>Gets the response field sent as the body (response_body), or null for the whole response.</summary>
    public FieldPath? ResponseField { get; }

    /// <summary>Gets the fields bound by the path and the body: the query string may not set them.</summary>
    public IReadOnlyList<FieldPath> BoundFields { get; }

    /// <summary>Gets a value indicating whether the method streams its responses (sent as NDJSON).</summary>
    public bool IsServerStreaming => Method.Method.Type == MethodType.ServerStreaming;

    /// <inheritdoc />
    public override string ToString() => $"{HttpMethod} {Template.Text} -> {Method.Method.FullName}";
}

/// <summary>A dotted field path (e.g. <c>item.id</c>) resolved against a message type.</summary>
internal sealed class FieldPath
{
    private FieldPath(string text, IReadOnlyList<FieldDescriptor> fields)
    {
        Text = text;
        Fields = fields;
    }

    /// <summary>Gets the path as written, with proto field names.</summary>
    public string Text { get; }

    /// <summary>Gets the fields from the root message to the leaf.</summary>
    public IReadOnlyList<FieldDescriptor> Fields { get; }

    /// <summary>Gets the leaf field.</summary>
    public FieldDescriptor Leaf => Fields[^1];

    /// <summary>Resolves a path for a rule; throws naming the method and the rule part when it does not resolve.</summary>
    public static FieldPath Resolve(MessageDescriptor root, string path, string methodName, string what, bool leafMustBeScalar)
    {
        var fields = new List<FieldDescriptor>();
        var current = root;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var field = current.FindFieldByName(parts[i])
                ?? throw new InvalidOperationException($"The HTTP rule of {methodName} has {what}: {current.FullName} has no field '{parts[i]}'.");
            fields.Add(field);
            if (i < parts.Length - 1)
            {
                if (field.FieldType != FieldType.Message || field.IsRepeated || field.IsMap)
                {
                    throw new InvalidOperationException($"The HTTP rule of {methodName} has {what}: '{parts[i]}' is not a singular message field, so the path cannot go through it.");
                }

                current = field.MessageType;
            }
        }

        var leaf = fields[^1];
        if (leafMustBeScalar && (leaf.IsRepeated || leaf.IsMap || (leaf.FieldType == FieldType.Message && !ScalarValues.IsScalarLike(leaf.MessageType))))
        {
            throw new InvalidOperationException($"The HTTP rule of {methodName} has {what}: '{path}' must be a singular scalar field (or a well-known type written as a string).");
        }

        return new FieldPath(path, fields);
    }

    /// <summary>Whether this path and <paramref name="other"/> overlap (one is a prefix of, or equal to, the other).</summary>
    public bool Overlaps(IReadOnlyList<FieldDescriptor> other)
    {
        var length = Math.Min(Fields.Count, other.Count);
        for (var i = 0; i < length; i++)
        {
            if (Fields[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
