using Atom.Cli.Descriptors;
using Spectre.Console;

namespace Atom.Cli;

/// <summary>What a command needs to run: settings, the descriptors, where to print, and Ctrl+C.</summary>
/// <param name="Settings">The global options.</param>
/// <param name="Catalog">The known services and messages.</param>
/// <param name="Out">Standard output, for results (JSON is written here directly, never through markup).</param>
/// <param name="Error">Standard error, for errors and progress.</param>
/// <param name="Console">Standard output for tables.</param>
/// <param name="CancellationToken">Cancelled by Ctrl+C.</param>
internal sealed record CliContext(CliSettings Settings, DescriptorCatalog Catalog, TextWriter Out, TextWriter Error, IAnsiConsole Console, CancellationToken CancellationToken)
{
    /// <summary>Gets the proto3 JSON of a message, indented for people or on one line for scripts.</summary>
    /// <param name="message">The message.</param>
    /// <param name="oneLine">Forces one line (NDJSON), whatever the output format.</param>
    /// <returns>The JSON.</returns>
    public string Json(global::Google.Protobuf.IMessage message, bool oneLine = false)
    {
        var json = Catalog.JsonFormatter.Format(message);
        return oneLine || Settings.Output == OutputFormat.Json ? json : JsonText.Indent(json);
    }
}
