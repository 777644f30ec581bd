using System.Text.Encodings.Web;
using System.Text.Json;

namespace Atom.Cli;

/// <summary>JSON text helpers: Google.Protobuf 3.25 writes one line only, people read indented JSON better.</summary>
internal static class JsonText
{
    /// <summary>Options that keep non-ASCII text readable; the output is for a terminal, not for HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indents a JSON document.</summary>
    /// <param name="json">One JSON document.</param>
    /// <returns>The same document, indented.</returns>
    public static string Indent(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            document.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a document with a writer and returns its text.</summary>
    /// <param name="write">Writes one JSON value.</param>
    /// <param name="indented">Whether to indent.</param>
    /// <returns>The JSON.</returns>
    public static string Write(Action<Utf8JsonWriter> write, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions with { Indented = indented }))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
