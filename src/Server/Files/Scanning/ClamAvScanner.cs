using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Atom.Server.Files.Scanning.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Files.Scanning;

/// <summary>
/// Scans with clamd's INSTREAM command over a unix socket or TCP: the content goes in length-prefixed chunks and clamd
/// answers with one verdict. One connection per command, so a daemon restart between scans costs nothing.
/// </summary>
public sealed partial class ClamAvScanner : IVirusScanner
{
    private const string ReplyPrefix = "stream: ";
    private const string CleanReply = "stream: OK";
    private const string FoundSuffix = " FOUND";
    private const string ErrorSuffix = " ERROR";
    private const string SizeLimitReply = "INSTREAM size limit exceeded. ERROR";

    // VERSION names the signature database too, which changes a few times a day at most: one call a minute keeps
    // verdicts labelled accurately without a second connection per scan.
    private static readonly TimeSpan EngineRefresh = TimeSpan.FromMinutes(1);

    private static readonly byte[] PingCommand = "zPING\0"u8.ToArray();
    private static readonly byte[] VersionCommand = "zVERSION\0"u8.ToArray();
    private static readonly byte[] InstreamCommand = "zINSTREAM\0"u8.ToArray();

    private readonly ClamdAddress address;
    private readonly ScannerOptions options;
    private readonly ILogger logger;
    private EngineVersion? engine;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The scanner options; <see cref="ScannerOptions.Address"/> must be set.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="OptionsValidationException">The options cannot work, each reason named.</exception>
    public ClamAvScanner(IOptions<ScannerOptions> options, ILogger<ClamAvScanner> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        var errors = ScannerOptionsValidation.ValidateClamAv(this.options, out var parsed);
        if (parsed is null && errors.Count == 0)
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.Address)} is not set: clamd's address is needed to scan.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(ScannerOptions.Section, typeof(ScannerOptions), errors);
        }

        address = parsed!;
    }

    /// <inheritdoc />
    public async Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        cancellationToken.ThrowIfCancellationRequested();

        // Content known to be too big is refused before a byte goes out.
        if (content.CanSeek && content.Length - content.Position > options.MaxStreamBytes)
        {
            throw TooLarge();
        }

        var reply = await ExchangeAsync(connection => StreamAsync(connection, content, cancellationToken), cancellationToken);
        var (infected, signature) = Verdict(reply);
        // Asked after the verdict: a verdict lost to a VERSION failure is merely asked again, like any other outage.
        return new ScanVerdict(infected, signature, await EngineAsync(cancellationToken));
    }

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CommandAsync(PingCommand, cancellationToken) == "PONG";
        }
        catch (ScannerUnavailableException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<string?> VersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await FetchVersionAsync(cancellationToken);
        }
        catch (ScannerUnavailableException)
        {
            return null;
        }
    }

    private async Task<string> EngineAsync(CancellationToken cancellationToken)
    {
        var known = engine;
        return known is not null && Stopwatch.GetElapsedTime(known.At) < EngineRefresh ? known.Version : await FetchVersionAsync(cancellationToken);
    }

    private async Task<string> FetchVersionAsync(CancellationToken cancellationToken)
    {
        var version = await CommandAsync(VersionCommand, cancellationToken);
        if (string.IsNullOrWhiteSpace(version) || version.EndsWith(ErrorSuffix, StringComparison.Ordinal))
        {
            throw NoVerdict(version);
        }

        engine = new EngineVersion(version, Stopwatch.GetTimestamp());
        return version;
    }

    private Task<string?> CommandAsync(byte[] command, CancellationToken cancellationToken) =>
        ExchangeAsync(
            async connection =>
            {
                await connection.WriteAsync(command);
                return await connection.ReadReplyAsync();
            },
            cancellationToken);

    /// <summary>Runs one command on a fresh connection.</summary>
    private async Task<string?> ExchangeAsync(Func<ClamdConnection, Task<string?>> exchange, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ClamdConnection.OpenAsync(address, options.Timeout, cancellationToken);
            return await exchange(connection);
        }
        catch (ScannerUnavailableException e) when (e.Failure is ScanFailure.Unreachable or ScanFailure.TimedOut)
        {
            Log.Unavailable(logger, address.Text, e);
            throw;
        }
    }

    private async Task<string?> StreamAsync(ClamdConnection connection, Stream content, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(InstreamCommand);
        var chunkSize = options.ChunkSize;
        var buffer = ArrayPool<byte>.Shared.Rent(sizeof(uint) + chunkSize);
        try
        {
            long sent = 0;
            int read;
            do
            {
                // Full chunks: a stream that trickles a few bytes per read would otherwise cost clamd a chunk header each.
                read = await content.ReadAtLeastAsync(buffer.AsMemory(sizeof(uint), chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);
                sent += read;
                if (sent > options.MaxStreamBytes)
                {
                    throw TooLarge();
                }

                // A zero-length chunk is the terminator.
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                if (!await connection.TryWriteAsync(buffer.AsMemory(0, sizeof(uint) + read)))
                {
                    break;
                }
            }
            while (read > 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return await connection.ReadReplyAsync();
    }

    private (bool Infected, string? Signature) Verdict(string? reply)
    {
        if (reply == CleanReply)
        {
            return (false, null);
        }

        // The signature is everything between the two, whatever it contains.
        if (reply is not null && reply.StartsWith(ReplyPrefix, StringComparison.Ordinal) && reply.EndsWith(FoundSuffix, StringComparison.Ordinal)
            && reply.Length > ReplyPrefix.Length + FoundSuffix.Length)
        {
            return (true, reply[ReplyPrefix.Length..^FoundSuffix.Length]);
        }

        throw reply == SizeLimitReply
            ? new ScannerUnavailableException(ScanFailure.TooLarge, $"clamd at {address} refused the content as larger than its StreamMaxLength, " +
                $"which {ScannerOptions.Section}:{nameof(ScannerOptions.MaxStreamBytes)} ({options.MaxStreamBytes} bytes) should not exceed.")
            : NoVerdict(reply);
    }

    private ScannerUnavailableException TooLarge() =>
        new(ScanFailure.TooLarge, $"The content is larger than {ScannerOptions.Section}:{nameof(ScannerOptions.MaxStreamBytes)} ({options.MaxStreamBytes} bytes), so it is not scanned.");

    private ScannerUnavailableException NoVerdict(string? reply)
    {
        Log.NoVerdict(logger, address.Text, reply);
        return new ScannerUnavailableException(
            ScanFailure.NoVerdict,
            reply is null ? $"clamd at {address} closed the connection without a verdict." : $"clamd at {address} gave no verdict: {reply}");
    }

    // A class, not a tuple: concurrent scans read and replace it, and a reference is swapped whole.
    private sealed record EngineVersion(string Version, long At);
}
