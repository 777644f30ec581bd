namespace Atom.Server.Files.Blobs;

/// <summary>A stored blob: its content address and size.</summary>
/// <param name="Sha256">The SHA-256 of the bytes, 64 lowercase hex digits; the blob's address.</param>
/// <param name="Length">The length in bytes.</param>
public sealed record BlobInfo(string Sha256, long Length);
