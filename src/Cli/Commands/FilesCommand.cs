using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.Cli.Files;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom files ls|show|get|rm</c>: the files the caller can see (FileService): their own, those shared in their
/// rooms, and for tenant admins every file of the tenant. A file is named by its id, or by its name among the
/// caller's own files when only one has it. Uploading is <c>atom upload</c>.
/// </summary>
internal static class FilesCommand
{
    public static Command Create(CommandRunner runner) => new("files", "List, show, download and delete files (upload with atom upload)")
    {
        ListCommand(runner),
        ShowCommand(runner),
        GetCommand(runner),
        DeleteCommand(runner),
    };

    private static Argument<string> FileArgument() => new("file") { Description = "The file's id, or its name among your files (see atom files ls)" };

    private static Command ListCommand(CommandRunner runner)
    {
        var room = new Option<string?>("--room") { Description = "Only the files shared in this room (its id or unique name)", HelpName = "ROOM" };
        var owner = new Option<string?>("--owner") { Description = "Only the files of this user (id or email); other people's need a tenant admin or --room", HelpName = "USER" };
        var type = FileTypeFilter.Option("Only files of this kind, or of this exact media type");
        var status = FileStateNames.Option("Only files in this state");
        var since = Moment.Option("--since", "Only files stored since then: a duration back from now (7d, 12h, 90m) or an ISO-8601 date or time, UTC unless it says otherwise", ahead: false);
        var limit = new Option<int>("--limit") { Description = "How many files at most, newest first", HelpName = "N", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be 1 or more.");
            }
        });
        var command = new Command("ls", "List files, newest first: yours unless --room or --owner say otherwise (admins: --owner anyone)")
        {
            room,
            owner,
            type,
            status,
            since,
            limit,
        };
        command.Aliases.Add("list");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var request = new ListFilesRequest
            {
                Category = result.GetValue(type)?.Category ?? FileCategory.Unspecified,
                MediaType = result.GetValue(type)?.MediaType ?? string.Empty,
                State = result.GetValue(status) ?? FileState.Unspecified,
                CreatedAfter = result.GetValue(since) is { } after ? Timestamp.FromDateTimeOffset(after) : null,
            };
            if (result.GetValue(room) is { } named)
            {
                request.RoomId = (await RoomLookup.GetAsync(context, connection, named).ConfigureAwait(false)).Id;
            }

            if (result.GetValue(owner) is { } user)
            {
                request.OwnerId = await new PeopleDirectory(context, connection).IdOfAsync(user).ConfigureAwait(false);
            }

            var client = new FileServiceClient(connection);
            var response = await Pages.UpToAsync(
                result.GetValue(limit),
                (page, size) =>
                {
                    var ask = request.Clone();
                    (ask.PageToken, ask.PageSize) = (page, size);
                    return client.ListFilesAsync(ask, context.CallOptions()).ResponseAsync;
                },
                r => r.Files.Count).ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            Display.Table(context.Console, "files", StoredFileText.Columns, response.Files.Select(StoredFileText.Row));
            if (response.NextPageToken.Length > 0)
            {
                await context.Error.WriteLineAsync($"More files than these {response.Files.Count}: raise --limit to see them.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command ShowCommand(CommandRunner runner)
    {
        var file = FileArgument();
        var command = new Command("show", "Show a file: type, processing state, virus scan, metadata and the text read from it (all of it with --output json)") { file };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await FileLookup.GetAsync(context, connection, result.GetValue(file)!, FileView.Full).ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(new GetFileResponse { File = found })).ConfigureAwait(false);
            }
            else
            {
                Display.Facts(context.Console, StoredFileText.Facts(found));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var file = FileArgument();
        var output = new Option<string?>("--out", "-O")
        {
            Description = "Where to save it: a file, a directory to save it in, or '-' for standard output [default: its name, in the current directory]",
            HelpName = "PATH",
        };
        var force = new Option<bool>("--force") { Description = "Replace a file that is already there" };
        var command = new Command("get", "Download a file (checked against its SHA-256 before it is saved under its name)") { file, output, force };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await FileLookup.GetAsync(context, connection, result.GetValue(file)!).ConfigureAwait(false);
            var download = new FileDownload(context, connection);
            if (result.GetValue(output) == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await download.WriteAsync(found, stdout).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var destination = FileDownload.Destination(found, result.GetValue(output));
            await download.SaveAsync(found, destination, result.GetValue(force)).ConfigureAwait(false);
            await context.Out.WriteLineAsync(context.Settings.Output == OutputFormat.Json
                ? Saved(context, found, destination)
                : $"Saved {found.Name} ({Display.Bytes(found.Size)}, SHA-256 checked) to {destination}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command DeleteCommand(CommandRunner runner)
    {
        var file = FileArgument();
        var command = new Command("rm", "Delete a file, for good (its owner, a moderator of its room, or a tenant admin)") { file };
        command.Aliases.Add("delete");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await FileLookup.GetAsync(context, connection, result.GetValue(file)!).ConfigureAwait(false);
            var response = await new FileServiceClient(connection)
                .DeleteFileAsync(new DeleteFileRequest { FileId = found.Id }, context.CallOptions())
                .ConfigureAwait(false);
            await context.Out.WriteLineAsync(context.Settings.Output == OutputFormat.Json
                ? context.Json(response)
                : $"Deleted file {found.Name} ({found.Id}).").ConfigureAwait(false);
            return ExitCodes.Success;
        }, token));
        return command;
    }

    /// <summary>Gets the JSON of a saved download: where it went, and the file.</summary>
    private static string Saved(CliContext context, StoredFile file, string path) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("path", path);
        writer.WritePropertyName("file");
        writer.WriteRawValue(context.Catalog.JsonFormatter.Format(file));
        writer.WriteEndObject();
    }, indented: false);
}
