using System.Runtime.CompilerServices;

namespace Atom.Cli.Calls;

/// <summary>
/// Where request JSON comes from, after <c>-d</c>: inline JSON, <c>@file</c> or <c>@-</c> (stdin).
/// Unary and server-streaming calls read one JSON document; client and duplex streams read NDJSON,
/// one request per line, sent as each line arrives (so stdin can be typed interactively).
/// </summary>
internal sealed class RequestSource
{
    private readonly string? _inline;
    private readonly string? _path;
    private readonly TextReader _stdin;

    private RequestSource(string? inline, string? path, TextReader stdin)
    {
        _inline = inline;
        _path = path;
        _stdin = stdin;
    }

    /// <summary>Gets a description of the source for error messages: "-d", a file name or "stdin".</summary>
    public string Name => _inline is not null ? "-d" : _path ?? "stdin";

    /// <summary>Reads the value of <c>-d</c>.</summary>
    /// <param name="data">The option's value, or null when absent.</param>
    /// <param name="isStream">Whether the method streams requests; then a missing <c>-d</c> means stdin.</param>
    /// <param name="stdin">Standard input.</param>
    /// <returns>The source.</returns>
    public static RequestSource From(string? data, bool isStream, TextReader stdin) => data switch
    {
        null when isStream => new RequestSource(null, null, stdin),
        null => new RequestSource("{}", null, stdin),
        "@-" => new RequestSource(null, null, stdin),
        ['@', .. var path] when path.Length > 0 => File.Exists(path)
            ? new RequestSource(null, path, stdin)
            : throw new UsageException($"-d @{path}: no such file."),
        _ => new RequestSource(data, null, stdin),
    };

    /// <summary>Reads the whole source as one document.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The text.</returns>
    public async Task<string> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (_inline is not null)
        {
            return _inline;
        }

        if (_path is not null)
        {
            return await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false);
        }

        return await _stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the source line by line, skipping blank lines.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The non-blank lines with their 1-based line numbers.</returns>
    public async IAsyncEnumerable<(int Line, string Text)> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var file = _path is null ? null : new StreamReader(_path);
        using var inline = _inline is null ? null : new StringReader(_inline);
        var reader = (TextReader?)file ?? (TextReader?)inline ?? _stdin;
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (number, line);
            }
        }
    }
}
