using System.Globalization;
using Atom.Cli.Chat;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Files;

/// <summary>
/// Follows a file's processing over FileService.WatchFile until there is something to report: ready, quarantined,
/// rejected, unreadable, failed, or waiting for a virus scanner that is not reachable (which may last, so it is
/// reported rather than waited out). A dropped stream is opened again with backoff; the server sends the file's
/// state first on every stream, so nothing is missed.
/// </summary>
/// <param name="context">Settings, stderr and Ctrl+C.</param>
/// <param name="invoker">The connection.</param>
internal sealed class ProcessingWatch(CliContext context, CallInvoker invoker)
{
    /// <summary>Waits until processing has decided about a file.</summary>
    /// <param name="file">The file, as stored.</param>
    /// <returns>The file as processing left it: in any state but processing.</returns>
    public async Task<StoredFile> WaitAsync(StoredFile file)
    {
        var token = context.CancellationToken;
        var client = new FileServiceClient(invoker);
        var backoff = Reconnection.Bounded;
        var step = string.Empty;
        while (true)
        {
            RpcException? dropped = null;
            try
            {
                using var call = client.WatchFile(new WatchFileRequest { FileId = file.Id }, new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = token });
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    backoff.Succeeded();
                    var update = call.ResponseStream.Current;
                    file = update.File ?? file;
                    if (file.State != FileState.Processing)
                    {
                        return file;
                    }

                    if (update.Step != step && context.Settings.Output == OutputFormat.Table)
                    {
                        step = update.Step;
                        await context.Error.WriteLineAsync($"{file.Name}: {step}").ConfigureAwait(false);
                    }
                }
            }
            catch (RpcException e) when (Reconnection.IsDrop(e, token.IsCancellationRequested))
            {
                dropped = e;
            }

            // The server ends the stream only once processing has decided; an end before that is a drop too.
            if (!backoff.TryNextDelay(out var delay))
            {
                throw dropped ?? new RpcException(new Status(StatusCode.Unavailable, $"the server keeps ending the watch of file {file.Id} while it is still processing."));
            }

            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"warning: {file.Name}: lost the watch of its processing ({(dropped is null ? "the server ended it" : $"{StatusCodeNames.Of(dropped.StatusCode)}: {dropped.Status.Detail}")}); watching again in {delay.TotalSeconds:0.0}s")).ConfigureAwait(false);
            await Task.Delay(delay, token).ConfigureAwait(false);
        }
    }
}
