using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Sdk;

namespace Atom.Cli;

/// <summary>How results are printed.</summary>
internal enum OutputFormat
{
    /// <summary>For people: tables, indented JSON.</summary>
    Table,

    /// <summary>For scripts: proto3 JSON, one document per line.</summary>
    Json,
}

/// <summary>The options every command takes: where the server is, who is calling, how to print, how long to wait.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:7400";

    public Option<string> Server { get; } = new("--server")
    {
        Description = "The server's gRPC address [env: ATOM_SERVER]",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => NonEmpty(Environment.GetEnvironmentVariable("ATOM_SERVER")) ?? DefaultServer,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A bearer token sent with every call, instead of the one 'atom login' stored [env: ATOM_TOKEN]",
        HelpName = "TOKEN",
        Recursive = true,

        // No DefaultValueFactory: help prints defaults, and a token must never show up in help output.
    };

    public Option<string> Output { get; } = new Option<string>("--output", "-o")
    {
        Description = "table (for people) or json (proto3 JSON, for scripts)",
        HelpName = "json|table",
        Recursive = true,
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "The call's deadline in seconds; 0 waits for ever",
        HelpName = "SECONDS",
        Recursive = true,
        DefaultValueFactory = _ => 30,
    };

    public GlobalOptions()
    {
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or double.NaN or double.PositiveInfinity)
            {
                result.AddError("--timeout must be a number of seconds, 0 or more.");
            }
        });
        Server.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"--server '{value}' is not an http:// or https:// address.");
            }
        });
    }

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(Output);
        root.Options.Add(Timeout);
    }

    public CliSettings Read(ParseResult result)
    {
        var timeout = result.GetValue(Timeout);
        var (token, origin) = NonEmpty(result.GetValue(Token)) is { } option
            ? (option, CredentialOrigin.Option)
            : NonEmpty(Environment.GetEnvironmentVariable("ATOM_TOKEN")) is { } environment
                ? (environment, CredentialOrigin.Environment)
                : (null, CredentialOrigin.None);
        return new CliSettings(
            result.GetValue(Server) ?? DefaultServer,
            token,
            string.Equals(result.GetValue(Output), "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table,
            timeout > 0 ? TimeSpan.FromSeconds(timeout) : null,
            origin,
            result.GetResult(Timeout) is { Implicit: false });
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>The global options of one invocation, read and validated.</summary>
/// <param name="Server">The server's address.</param>
/// <param name="Token">The bearer token from --token or ATOM_TOKEN, or null (then the stored profile, if any, is used).</param>
/// <param name="Output">How to print.</param>
/// <param name="Timeout">The deadline of each call, or null for none.</param>
/// <param name="TokenOrigin">Where <paramref name="Token"/> came from.</param>
/// <param name="TimeoutGiven">Whether --timeout was on the command line (live streams run without a deadline unless it was).</param>
internal sealed record CliSettings(string Server, string? Token, OutputFormat Output, TimeSpan? Timeout, CredentialOrigin TokenOrigin = CredentialOrigin.None, bool TimeoutGiven = false)
{
    /// <summary>Per-call options: the deadline, counted from now, and cancellation.</summary>
    /// <param name="cancellationToken">Cancelled by Ctrl+C.</param>
    /// <returns>The options.</returns>
    public CallOptions CallOptions(CancellationToken cancellationToken) => new()
    {
        Deadline = Timeout is { } timeout ? DateTime.UtcNow + timeout : null,
        CancellationToken = cancellationToken,
    };

    /// <summary>
    /// Gets the deadline of a live stream (watch, chat): none, since it runs until stopped, unless --timeout was
    /// given; then the whole command, reconnects included, ends that long from now.
    /// </summary>
    /// <returns>The deadline, or null.</returns>
    public DateTime? StreamDeadline() => TimeoutGiven && Timeout is { } timeout ? DateTime.UtcNow + timeout : null;
}
