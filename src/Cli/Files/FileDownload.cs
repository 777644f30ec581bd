using System.Globalization;
using System.Security.Cryptography;
using Atom.Cli.Chat;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Files;

/// <summary>
/// Saves a file's bytes from FileService.Download, checked against the file's SHA-256: to a file, written under a
/// temporary name beside it and renamed into place only once every byte is there and the checksum matches, so a failed
/// or interrupted download never leaves half a file under the real name; or to a stream (stdout). A dropped stream
/// continues from the last byte received.
/// </summary>
/// <param name="context">Settings, stderr and Ctrl+C.</param>
/// <param name="invoker">The connection.</param>
internal sealed class FileDownload(CliContext context, CallInvoker invoker)
{
    /// <summary>Gets where a file is saved: the path given (in it, when it is a directory), else its name in the current directory.</summary>
    /// <param name="file">The file.</param>
    /// <param name="path">The path given, or null.</param>
    /// <returns>The absolute path to write.</returns>
    /// <exception cref="UsageException">The path names a directory that does not exist.</exception>
    public static string Destination(StoredFile file, string? path)
    {
        if (path is null)
        {
            return Path.GetFullPath(SafeName(file));
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return Path.Combine(full, SafeName(file));
        }

        return Path.EndsInDirectorySeparator(path) || !Directory.Exists(Path.GetDirectoryName(full))
            ? throw new UsageException($"{path}: no such directory.")
            : full;
    }

    /// <summary>
    /// Gets a name for a file that is safe to create: no path separators, control or invisible characters, and no
    /// leading dot, so a download never writes a hidden file or a dotfile such as <c>.bashrc</c>.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>The name; <c>file-ID</c> when nothing of the file's own is left.</returns>
    internal static string SafeName(StoredFile file)
    {
        var safe = new string(file.Name.Select(c => char.IsControl(c) || c is '/' or '\\' || char.GetUnicodeCategory(c) is UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ? '_' : c).ToArray()).Trim();
        if (safe.StartsWith('.'))
        {
            safe = "_" + safe.TrimStart('.');
        }

        return safe.Trim('_').Length == 0 ? $"file-{file.Id}" : safe;
    }

    /// <summary>Saves a file to a path.</summary>
    /// <param name="file">The file.</param>
    /// <param name="destination">The absolute path, from <see cref="Destination"/>.</param>
    /// <param name="force">Whether an existing file there is replaced.</param>
    /// <returns>A task that completes once the file is in place.</returns>
    /// <exception cref="UsageException">Something is there already, and <paramref name="force"/> is not set.</exception>
    /// <exception cref="RpcException">The download failed, or its bytes do not match the file's checksum (DATA_LOSS).</exception>
    public Task SaveAsync(StoredFile file, string destination, bool force) =>
        NewFile.WriteAsync(destination, force, output => CopyAsync(file, output), "the file was downloading");

    /// <summary>Writes a file's bytes to a stream, then checks them.</summary>
    /// <param name="file">The file.</param>
    /// <param name="output">Where to write (stdout).</param>
    /// <returns>A task that completes once every byte is written and checked.</returns>
    /// <exception cref="RpcException">The download failed, or its bytes do not match the file's checksum (DATA_LOSS).</exception>
    public Task WriteAsync(StoredFile file, Stream output) => CopyAsync(file, output);

    private async Task CopyAsync(StoredFile file, Stream output)
    {
        var token = context.CancellationToken;
        var client = new FileServiceClient(invoker);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var bar = ProgressBar.OnStandardError(context, file.Name, file.Size);
        var backoff = Reconnection.Bounded;
        var received = 0L;
        while (true)
        {
            try
            {
                using var call = client.Download(new DownloadRequest { FileId = file.Id, Offset = received }, new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = token });
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    var piece = call.ResponseStream.Current;
                    if (piece.Offset != received)
                    {
                        throw new RpcException(new Status(StatusCode.DataLoss, $"the server sent the bytes of {file.Name} at offset {piece.Offset} where {received} was expected."));
                    }

                    hash.AppendData(piece.Data.Span);
                    await output.WriteAsync(piece.Data.Memory, token).ConfigureAwait(false);
                    received += piece.Data.Length;
                    bar.Report(received);
                    backoff.Succeeded();
                }

                break;
            }
            catch (RpcException e) when (Reconnection.IsDrop(e, token.IsCancellationRequested) && backoff.TryNextDelay(out var delay))
            {
                bar.Note(string.Create(CultureInfo.InvariantCulture,
                    $"warning: {file.Name}: {StatusCodeNames.Of(e.StatusCode)}: {e.Status.Detail}; continuing from byte {received} in {delay.TotalSeconds:0.0}s ({backoff.Attempts} of {backoff.Limit})"));
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
        }

        await output.FlushAsync(token).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (received != file.Size || !string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.DataLoss,
                $"the {received} bytes received of {file.Name} hash to {actual}, not to the file's {file.Sha256} ({file.Size} bytes): the download is damaged."));
        }
    }
}
