using Atom.Cli.Calls;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Files;

/// <summary>
/// A file as typed: its id, or the name (or folder/name) of one of the files the caller lists, when exactly one has
/// it. An id costs one GetFile; a name a walk through the caller's list first, so ids are what scripts should pass.
/// </summary>
internal static class FileLookup
{
    private const int IdLength = 32;

    /// <summary>Gets a file the caller can see, by id or name.</summary>
    /// <param name="context">The call options.</param>
    /// <param name="invoker">The connection.</param>
    /// <param name="file">The file's id, or its name among the caller's files.</param>
    /// <param name="view">How much of it: the full view adds the extracted text.</param>
    /// <returns>The file.</returns>
    /// <exception cref="RpcException">NOT_FOUND when there is no such file or the caller may not see it.</exception>
    /// <exception cref="UsageException">The name is empty, or several files have it.</exception>
    public static async Task<StoredFile> GetAsync(CliContext context, CallInvoker invoker, string file, FileView view = FileView.Basic)
    {
        var key = file.Trim();
        if (key.Length == 0)
        {
            throw new UsageException("FILE is empty: give a file's id or name (see atom files ls).");
        }

        var client = new FileServiceClient(invoker);
        var id = LooksLikeId(key) ? key : await IdOfNameAsync(context, client, key).ConfigureAwait(false);
        var response = await client.GetFileAsync(new GetFileRequest { FileId = id, View = view }, context.CallOptions()).ConfigureAwait(false);
        return response.File ?? throw new RpcException(new Status(StatusCode.Internal, $"GetFile answered for '{id}' without a file."));
    }

    private static bool LooksLikeId(string key) => key.Length == IdLength && key.All(char.IsAsciiHexDigit);

    private static async Task<string> IdOfNameAsync(CliContext context, FileServiceClient client, string name)
    {
        var all = await Pages.AllAsync(page => client.ListFilesAsync(
            new ListFilesRequest { PageToken = page, PageSize = 500 },
            context.CallOptions()).ResponseAsync).ConfigureAwait(false);
        var named = all.Files.Where(f => f.Name == name || (f.Folder.Length > 0 && $"{f.Folder}/{f.Name}" == name)).ToList();
        return named.Count switch
        {
            1 => named[0].Id,
            0 => throw new RpcException(new Status(StatusCode.NotFound, $"no file of yours is named '{name}' (see atom files ls; a file someone shared in a room is named by its id).")),
            _ => throw new UsageException($"{named.Count} files are named '{name}': {string.Join(", ", named.Take(5).Select(f => f.Id))}{(named.Count > 5 ? ", ..." : string.Empty)}; give one's id."),
        };
    }
}
