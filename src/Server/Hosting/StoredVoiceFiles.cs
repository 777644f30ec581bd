using Atom.Sdk;
using Atom.Server.Files;
using Atom.Server.Files.Blobs;
using Atom.Server.Identity.Authorization;
using Atom.Server.Voice;
using Atom.V1;

namespace Atom.Server.Hosting;

/// <summary>
/// Voice's view of stored files: a file is read by its owner, the readers of the room it is shared in and the tenant's
/// admins, as FileService decides; only audio that was scanned clean is read.
/// </summary>
/// <param name="readers">Who may read a file.</param>
/// <param name="blobs">Files' bytes.</param>
internal sealed class StoredVoiceFiles(FileReaders readers, IBlobStore blobs) : IVoiceFiles
{
    /// <inheritdoc />
    public async Task<string?> CopyAsync(Caller caller, string fileId, string destination, CancellationToken cancellationToken)
    {
        var file = await readers.FindAsync(caller, fileId, withText: false, cancellationToken);
        if (file is null)
        {
            return null;
        }

        if (!file.IsServable)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"File {file.Id} cannot be read: it has not been scanned clean.",
                AtomErrors.Info(ErrorReason.FileNotServable));
        }

        if (!string.Equals(file.Category, "audio", StringComparison.OrdinalIgnoreCase))
        {
            throw AtomErrors.InvalidField("file_id", $"file {file.Id} is {file.MediaType}, not audio.");
        }

        await using var content = await blobs.OpenReadAsync(file.Sha256, 0, null, cancellationToken);
        await using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await content.CopyToAsync(target, cancellationToken);
        return file.Name;
    }
}
