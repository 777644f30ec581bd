using Atom.Server.Identity.Authorization;

namespace Atom.Server.Voice;

/// <summary>
/// Stored audio files, as voice reads them. Voice does not read files' tables: the composition root supplies this, so who
/// may read a file stays decided in one place.
/// </summary>
public interface IVoiceFiles
{
    /// <summary>Copies a stored file the caller may read to a local path, for decoding.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="destination">Where to write its bytes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The file's name, or null when there is no such file the caller may read.</returns>
    /// <exception cref="Atom.Sdk.RpcException">The file exists but may not be served (not scanned clean) or is not audio.</exception>
    Task<string?> CopyAsync(Caller caller, string fileId, string destination, CancellationToken cancellationToken);
}
