using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// Turns a path or query string value into the JSON token the proto3 JSON parser expects for a field,
/// so that path and query values get exactly the conversions a JSON body gets (int64 from strings,
/// enums by name or number, Timestamp, Duration, wrappers, base64 and base64url bytes).
/// </summary>
internal static class ScalarValues
{
    private static readonly FrozenSet<string> StringLikeTypes = FrozenSet.ToFrozenSet(
    [
        "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> WrapperTypes = FrozenSet.ToFrozenSet(
    [
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    ], StringComparer.Ordinal);

    /// <summary>Whether a message type is written as a single JSON scalar (a well-known string type or a wrapper).</summary>
    public static bool IsScalarLike(MessageDescriptor type) => StringLikeTypes.Contains(type.FullName) || WrapperTypes.Contains(type.FullName);

    /// <summary>Whether a message type is one of the google.protobuf wrappers.</summary>
    public static bool IsWrapper(MessageDescriptor type) => WrapperTypes.Contains(type.FullName);

    /// <summary>Whether a field can take a value from a path segment or query parameter.</summary>
    public static bool IsScalarField(FieldDescriptor field) =>
        !field.IsMap && (field.FieldType != FieldType.Message || IsScalarLike(field.MessageType));

    /// <summary>The JSON token for <paramref name="value"/> as a value of <paramref name="field"/>.</summary>
    public static string ToJsonToken(FieldDescriptor field, string value)
    {
        var type = field.FieldType;
        if (type == FieldType.Message)
        {
            if (!IsWrapper(field.MessageType))
            {
                return Quote(value);
            }

            type = field.MessageType.FindFieldByNumber(1).FieldType;
        }

        switch (type)
        {
            case FieldType.Bool:
                // The JSON parser takes only true/false literals; anything else fails there with a clear message.
                return value is "true" or "false" ? value : Quote(value);
            case FieldType.Enum:
                return int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
                    ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : Quote(value);
            case FieldType.Bytes:
                // Base64url (RFC 4648 §5), often unpadded, is common in URLs; the parser takes padded standard base64.
                var base64 = value.Replace('-', '+').Replace('_', '/');
                return Quote((base64.Length % 4) switch
                {
                    2 => base64 + "==",
                    3 => base64 + "=",
                    _ => base64,
                });
            default:
                // Numbers as strings are valid proto3 JSON for every numeric type (and the only form for NaN, Infinity).
                return Quote(value);
        }
    }

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";

    /// <summary>A short name of a field's type for error messages, e.g. "int64" or "enum atomtest.v1.Color".</summary>
    public static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => "enum " + field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };
}
