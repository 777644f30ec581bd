namespace Atom.Server.Files.Blobs;

/// <summary>Thrown when a blob that must exist is not in the store.</summary>
/// <param name="sha256">The missing blob's SHA-256.</param>
public sealed class BlobNotFoundException(string sha256) : Exception($"Blob {sha256} does not exist.")
{
    /// <summary>Gets the missing blob's SHA-256.</summary>
    public string Sha256 { get; } = sha256;
}
