using System.Security.Cryptography;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Server.Tests.Files.Api;

/// <summary>FileService calls as a client makes them, shared by the tests that upload, watch and download files.</summary>
internal static class FileCalls
{
    /// <summary>Uploads <paramref name="data"/> over the client stream: the metadata, then chunks of <paramref name="chunk"/> bytes, each with its checksum.</summary>
    public static async Task<UploadResponse> UploadStreamAsync(FileServiceClient files, string name, string type, byte[] data, int chunk, string roomId = "")
    {
        using var call = files.Upload();
        await call.RequestStream.WriteAsync(new UploadRequest { Metadata = new UploadMetadata { Name = name, DeclaredType = type, Size = data.Length, Sha256 = Sha(data), RoomId = roomId } });
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            await call.RequestStream.WriteAsync(new UploadRequest { Chunk = Chunk(data, offset, Math.Min(chunk, data.Length - offset)) });
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    /// <summary>Sends one chunk over the browser path (UploadChunk).</summary>
    public static async Task ChunkAsync(FileServiceClient files, string uploadId, byte[] data, int offset, int length) =>
        await files.UploadChunkAsync(new UploadChunkRequest { UploadId = uploadId, Chunk = Chunk(data, offset, length) });

    /// <summary>A chunk of <paramref name="data"/> with its checksum.</summary>
    public static FileChunk Chunk(byte[] data, long offset, int length) => new()
    {
        Offset = offset,
        Data = ByteString.CopyFrom(data, (int)offset, length),
        Sha256 = Sha(data.AsSpan((int)offset, length).ToArray()),
    };

    /// <summary>Follows WatchFile to its end (a minute at most) and returns the file as it was last reported.</summary>
    public static async Task<StoredFile> WaitAsync(FileServiceClient files, string fileId)
    {
        StoredFile? last = null;
        await foreach (var step in files.WatchFile(new WatchFileRequest { FileId = fileId }, new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(60) }).ResponseStream.ReadAllAsync())
        {
            last = step.File;
        }

        return last ?? throw new Xunit.Sdk.XunitException("WatchFile sent nothing");
    }

    /// <summary>Downloads a file, or a range of it, checking that the pieces arrive in order.</summary>
    public static async Task<byte[]> DownloadAsync(FileServiceClient files, string fileId, long offset = 0, long length = 0)
    {
        var bytes = new MemoryStream();
        await foreach (var piece in files.Download(new DownloadRequest { FileId = fileId, Offset = offset, Length = length }).ResponseStream.ReadAllAsync())
        {
            Assert.Equal(offset + bytes.Length, piece.Offset);
            piece.Data.WriteTo(bytes);
        }

        return bytes.ToArray();
    }

    /// <summary>SHA-256 as the contract writes it: lowercase hex.</summary>
    public static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
