using Atom.Cli.Calls;
using Atom.Cli.Descriptors;
using Atom.Cli.Profiles;
using Spectre.Console;

namespace Atom.Cli;

/// <summary>What a command needs to run: settings, the descriptors, the stored sign-ins, where to print, and Ctrl+C.</summary>
/// <param name="Settings">The global options.</param>
/// <param name="Catalog">The known services and messages.</param>
/// <param name="Profiles">The sign-ins stored by <c>atom login</c>.</param>
/// <param name="Out">Standard output, for results (JSON is written here directly, never through markup).</param>
/// <param name="Error">Standard error, for errors and progress.</param>
/// <param name="Console">Standard output for tables.</param>
/// <param name="CancellationToken">Cancelled by Ctrl+C.</param>
internal sealed record CliContext(CliSettings Settings, DescriptorCatalog Catalog, ProfileStore Profiles, TextWriter Out, TextWriter Error, IAnsiConsole Console, CancellationToken CancellationToken)
{
    /// <summary>Opens a connection to the server with the invocation's credential (see <see cref="ServerConnection"/>).</summary>
    /// <returns>The connection, to dispose.</returns>
    public ServerConnection Connect() => ServerConnection.Open(Settings, Profiles);

    /// <summary>Per-call options: the deadline, counted from now, and Ctrl+C.</summary>
    /// <returns>The options.</returns>
    public Atom.Sdk.CallOptions CallOptions() => Settings.CallOptions(CancellationToken);

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
