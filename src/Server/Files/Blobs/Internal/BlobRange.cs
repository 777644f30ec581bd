namespace Atom.Server.Files.Blobs.Internal;

/// <summary>The range rules of <see cref="IBlobStore.OpenReadAsync"/>, the same for every store.</summary>
internal static class BlobRange
{
    /// <summary>Returns how many bytes the range covers in a blob of <paramref name="blobLength"/> bytes, clipped at its end.</summary>
    public static long Resolve(long offset, long? length, long blobLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        // offset == blobLength is allowed: an empty blob must be readable from 0, and a reader that has everything asks for nothing.
        if (offset > blobLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The blob has {blobLength} bytes.");
        }

        return Math.Min(length ?? long.MaxValue, blobLength - offset);
    }
}
