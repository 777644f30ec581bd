using System.CommandLine;
using System.Globalization;
using Atom.Cli.Calls;
using Atom.Cli.Files;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom upload PATH... [--room R] [--folder F] [--type MEDIA_TYPE] [--no-wait]</c>: uploads files one after the
/// other (see <see cref="FileUpload"/>: checksummed, resumable by running the same command again), then follows each
/// one's processing (<see cref="ProcessingWatch"/>) and prints what became of it; with --output json, the
/// <see cref="StoredFile"/> of each file on a line of its own. A file that fails is reported and the others still go;
/// the exit code is that of the first file that failed (see <see cref="ExitCodes"/>; 5 when a file is not ready).
/// </summary>
internal static class UploadCommand
{
    public static Command Create(CommandRunner runner)
    {
        var paths = new Argument<string[]>("path") { Description = "The files to upload", Arity = ArgumentArity.OneOrMore };
        var room = new Option<string?>("--room")
        {
            Description = "Share the files in this room, by id or unique name: its members see them [default: personal files, yours alone]",
            HelpName = "ROOM",
        };
        var folder = new Option<string?>("--folder") { Description = "File them in a folder of yours, e.g. reports/2026", HelpName = "FOLDER" };
        var type = new Option<string?>("--type")
        {
            Description = "The media type the files are (e.g. application/pdf); the server refuses a file whose content says otherwise [default: detected from the content]",
            HelpName = "MEDIA_TYPE",
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the bytes are stored, without waiting for the virus scan and text extraction" };
        var command = new Command("upload", "Upload files; run the same command again to resume an interrupted upload")
        {
            paths,
            room,
            folder,
            type,
            noWait,
        };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            // Every path is checked before any call, so a typo fails at once instead of after the first uploads.
            var files = LocalFiles(result.GetValue(paths)!);

            using var connection = context.Connect();
            var roomId = result.GetValue(room) is { } named ? (await RoomLookup.GetAsync(context, connection, named).ConfigureAwait(false)).Id : string.Empty;
            var target = new UploadTarget(roomId, result.GetValue(folder)?.Trim() ?? string.Empty, result.GetValue(type)?.Trim() ?? string.Empty);
            var journal = UploadJournal.FromEnvironment();
            journal.Prune(DateTimeOffset.UtcNow);
            var upload = new FileUpload(context, connection, journal);
            var watch = result.GetValue(noWait) ? null : new ProcessingWatch(context, connection);
            var exitCode = ExitCodes.Success;
            foreach (var (given, path) in files)
            {
                var code = await UploadAsync(context, upload, watch, given, path, target).ConfigureAwait(false);
                exitCode = exitCode == ExitCodes.Success ? code : exitCode;
            }

            return exitCode;
        }, token));
        return command;
    }

    private static async Task<int> UploadAsync(CliContext context, FileUpload upload, ProcessingWatch? watch, string given, string path, UploadTarget target)
    {
        try
        {
            var file = await upload.RunAsync(path, target).ConfigureAwait(false);
            if (watch is not null)
            {
                file = await watch.WaitAsync(file).ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync(context.Settings.Output == OutputFormat.Json ? context.Json(file) : StoredFileText.Uploaded(file, watch is not null)).ConfigureAwait(false);
            return watch is null || file.State == FileState.Ready ? ExitCodes.Success : ExitCodes.NotReady;
        }
        catch (RpcException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            var code = ErrorReport.Print(context, e, given);
            if (context.Settings.Output == OutputFormat.Table)
            {
                foreach (var hint in Hints(upload, path, e))
                {
                    await context.Error.WriteLineAsync("hint: " + hint).ConfigureAwait(false);
                }
            }

            return code;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !context.CancellationToken.IsCancellationRequested)
        {
            return ErrorReport.Usage(context.Error, $"{given}: {e.Message}");
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested && upload.IsRemembered(path))
        {
            await context.Error.WriteLineAsync($"hint: run the same command again to resume the upload of {given}.").ConfigureAwait(false);
            throw;
        }
    }

    private static IEnumerable<string> Hints(FileUpload upload, string path, RpcException error)
    {
        if (error.HasReason(ErrorReason.FileTooLarge) && Bytes(error, "limit_bytes") is { } limit)
        {
            yield return $"this server takes files of at most {Display.Bytes(limit)}.";
        }

        if (error.HasReason(ErrorReason.QuotaExceeded) && Bytes(error, "quota_bytes") is { } quota && Bytes(error, "used_bytes") is { } used)
        {
            yield return $"your files take {Display.Bytes(used)} of your {Display.Bytes(quota)}; make room with atom files rm.";
        }

        if (upload.IsRemembered(path))
        {
            yield return $"the server keeps what arrived: run the same command again to resume the upload of {Path.GetFileName(path)}.";
        }
    }

    private static long? Bytes(RpcException error, string key) =>
        long.TryParse(error.InfoValue(key), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;

    /// <summary>Checks the paths: each must be a readable file. Each is kept once, with the absolute path the journal keys on.</summary>
    /// <summary>The files named, each checked to exist and be readable, before any call.</summary>
    internal static List<(string Given, string Path)> LocalFiles(string[] paths)
    {
        var files = new List<(string Given, string Path)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var given in paths)
        {
            var path = Path.GetFullPath(given);
            if (Directory.Exists(path))
            {
                throw new UsageException($"{given} is a directory: name the files in it (atom upload {given.TrimEnd('/')}/*).");
            }

            if (!File.Exists(path))
            {
                throw new UsageException($"{given}: no such file.");
            }

            try
            {
                File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{given} cannot be read: {e.Message}");
            }

            if (seen.Add(path))
            {
                files.Add((given, path));
            }
        }

        return files;
    }
}
