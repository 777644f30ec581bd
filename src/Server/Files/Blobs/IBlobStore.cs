namespace Atom.Server.Files.Blobs;

/// <summary>
/// Content-addressed blob storage: a blob's address is the lowercase hex SHA-256 of its bytes, so the same bytes are stored once
/// (the caller counts references and decides when to delete). Every method that takes a SHA-256 rejects anything but 64 lowercase
/// hex digits with <see cref="ArgumentException"/> before it touches storage, so an address can never become a path outside the store.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores a local file that is already fully written (a finished upload's staging file) under the SHA-256 the caller computed.
    /// The store verifies that SHA-256 while it moves or copies the file, and on a mismatch stores nothing, leaves the file where it
    /// was and throws <see cref="InvalidDataException"/>. On success the file is gone from <paramref name="path"/> (moved into the
    /// store, or deleted because the blob existed already).
    /// </summary>
    /// <param name="path">The file to store.</param>
    /// <param name="sha256">Its SHA-256 as computed by the caller.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored blob.</returns>
    Task<BlobInfo> PutFileAsync(string path, string sha256, CancellationToken cancellationToken);

    /// <summary>Stores a stream read to its end, computing the SHA-256 while writing; the blob becomes visible only when complete.</summary>
    /// <param name="content">The bytes to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored blob.</returns>
    Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a byte range of a blob for reading. A range that runs past the end is clipped to the end (as HTTP ranges are), so
    /// <paramref name="length"/> is the most that is returned; an <paramref name="offset"/> equal to the length gives an empty stream.
    /// </summary>
    /// <param name="sha256">The blob's SHA-256.</param>
    /// <param name="offset">The first byte to read.</param>
    /// <param name="length">The most bytes to read; null reads to the end.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A forward-only stream of the range; dispose it.</returns>
    /// <exception cref="BlobNotFoundException">The blob does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The offset or length is negative, or the offset lies past the end.</exception>
    Task<Stream> OpenReadAsync(string sha256, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>Gets a blob's size, or null when it does not exist.</summary>
    /// <param name="sha256">The blob's SHA-256.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The blob, or null.</returns>
    Task<BlobInfo?> GetInfoAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; deleting one that does not exist succeeds. The caller counts references.</summary>
    /// <param name="sha256">The blob's SHA-256.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the blob is gone.</returns>
    Task DeleteAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a local file holding the blob's bytes, for tools that need a file: the blob file itself for the local store (read it,
    /// never write it), a downloaded and verified copy for S3. Dispose the lease to clean up.
    /// </summary>
    /// <param name="sha256">The blob's SHA-256.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="BlobNotFoundException">The blob does not exist.</exception>
    Task<BlobFileLease> OpenFileAsync(string sha256, CancellationToken cancellationToken);
}
