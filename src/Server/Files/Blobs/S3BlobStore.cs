using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Atom.Server.Files.Blobs.Internal;

namespace Atom.Server.Files.Blobs;

/// <summary>
/// Blobs as objects <c>&lt;Prefix&gt;&lt;sha256&gt;</c> in a bucket of an S3-compatible server. An object appears only complete: small
/// blobs in one PUT, larger ones as a multipart upload that is completed only after the bytes sent proved to have the expected
/// SHA-256. Temporary files (streams larger than a part, downloads for <see cref="OpenFileAsync"/>) live in a local directory that is
/// swept at start-up, one instance per directory.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly S3BlobOptions options;
    private readonly AmazonS3Client client;
    private readonly TempFileDirectory temp;
    private readonly SemaphoreSlim bucketGate = new(1, 1);
    private volatile bool bucketReady;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The S3 settings; <see cref="InvalidOperationException"/> names the first one that cannot work.</param>
    /// <param name="tempDirectory">A local directory for temporary files, owned by this store.</param>
    public S3BlobStore(S3BlobOptions options, string tempDirectory)
    {
        BlobOptionsValidation.ValidateS3(options);
        this.options = options;
        client = CreateClient(options);
        temp = new TempFileDirectory(Path.GetFullPath(tempDirectory));
    }

    private int PartSize => (int)options.PartSize;

    /// <inheritdoc />
    public async Task<BlobInfo> PutFileAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        await EnsureBucketAsync(cancellationToken);
        BlobInfo info;
        if (await HeadAsync(sha256, cancellationToken) is not null)
        {
            // Stored already: only the promise needs checking before the caller's copy goes. The length is the file's, not the
            // HEAD's: s3rver shows an object while a concurrent PUT is still writing it, with a length of 0.
            info = await HashingCopy.HashFileAsync(path, cancellationToken);
            BlobAddress.Verify(sha256, info);
        }
        else
        {
            info = await UploadFileAsync(path, sha256, cancellationToken);
        }

        File.Delete(path);
        return info;
    }

    /// <inheritdoc />
    public async Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await EnsureBucketAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, throwOnEndOfStream: false, cancellationToken);
            if (filled < PartSize)
            {
                var info = BlobAddress.Of(buffer.AsSpan(0, filled));
                if (await HeadAsync(info.Sha256, cancellationToken) is null)
                {
                    await PutObjectAsync(info.Sha256, buffer, filled, cancellationToken);
                }

                return info;
            }

            // A multipart upload needs its key, the hash, before the first part: spool to disk to learn it.
            var spooled = temp.NewFile();
            try
            {
                BlobInfo spooledInfo;
                await using (var file = new FileStream(spooled, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0 }))
                {
                    spooledInfo = await HashingCopy.CopyAsync(content, file, cancellationToken, buffer.AsMemory(0, filled));
                }

                return await HeadAsync(spooledInfo.Sha256, cancellationToken) is null ? await UploadFileAsync(spooled, spooledInfo.Sha256, cancellationToken) : spooledInfo;
            }
            finally
            {
                TempFileDirectory.TryDelete(spooled);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string sha256, long offset, long? length, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        await EnsureBucketAsync(cancellationToken);
        // One HEAD first: ranges past the end are answered differently by S3-compatible servers, the blob's length is not.
        var info = await HeadAsync(sha256, cancellationToken) ?? throw new BlobNotFoundException(sha256);
        var count = BlobRange.Resolve(offset, length, info.Length);
        if (count == 0)
        {
            return new MemoryStream([], writable: false);
        }

        var request = new GetObjectRequest { BucketName = options.Bucket, Key = KeyOf(sha256) };
        if (count != info.Length)
        {
            request.ByteRange = new ByteRange(offset, offset + count - 1);
        }

        var response = await GetObjectAsync(request, sha256, cancellationToken);
        return new SliceStream(response.ResponseStream, count, response);
    }

    /// <inheritdoc />
    public async Task<BlobInfo?> GetInfoAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        await EnsureBucketAsync(cancellationToken);
        return await HeadAsync(sha256, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        await EnsureBucketAsync(cancellationToken);
        // S3 answers a delete of a missing key with success: idempotent as it is.
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = options.Bucket, Key = KeyOf(sha256) }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BlobFileLease> OpenFileAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        await EnsureBucketAsync(cancellationToken);
        using var response = await GetObjectAsync(new GetObjectRequest { BucketName = options.Bucket, Key = KeyOf(sha256) }, sha256, cancellationToken);
        var file = temp.Create(out var path);
        try
        {
            await using (file)
            {
                // The tools that read this file cannot tell bad bytes from a bad document: check them on the way.
                BlobAddress.Verify(sha256, await HashingCopy.CopyAsync(response.ResponseStream, file, cancellationToken));
            }
        }
        catch
        {
            TempFileDirectory.TryDelete(path);
            throw;
        }

        return new BlobFileLease(path, ownsFile: true);
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose()
    {
        client.Dispose();
        bucketGate.Dispose();
    }

    /// <summary>Creates a client for the settings; every S3 call of the store (and of tests that look behind it) goes through one like it.</summary>
    internal static AmazonS3Client CreateClient(S3BlobOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // The SDK's default CRC checksums travel as trailers of an aws-chunked body, which S3-compatible servers store as content.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    /// <summary>Only ever called with a validated address.</summary>
    private string KeyOf(string sha256) => options.Prefix + sha256;

    private async Task<BlobInfo?> HeadAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = options.Bucket, Key = KeyOf(sha256) }, cancellationToken);
            return new BlobInfo(sha256, head.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<GetObjectResponse> GetObjectAsync(GetObjectRequest request, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new BlobNotFoundException(sha256);
        }
    }

    private async Task PutObjectAsync(string sha256, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, count, writable: false);
        await client.PutObjectAsync(
            new PutObjectRequest { BucketName = options.Bucket, Key = KeyOf(sha256), InputStream = body, AutoCloseStream = false, UseChunkEncoding = false },
            cancellationToken);
    }

    /// <summary>Uploads a file as the blob <paramref name="sha256"/>, which becomes visible only when the file proved to have that hash.</summary>
    private async Task<BlobInfo> UploadFileAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        await using var file = HashingCopy.OpenSequential(path);
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            if (file.Length < PartSize)
            {
                var filled = await file.ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, throwOnEndOfStream: false, cancellationToken);
                var info = BlobAddress.Of(buffer.AsSpan(0, filled));
                BlobAddress.Verify(sha256, info);
                await PutObjectAsync(sha256, buffer, filled, cancellationToken);
                return info;
            }

            return await UploadPartsAsync(file, sha256, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<BlobInfo> UploadPartsAsync(FileStream file, string sha256, byte[] buffer, CancellationToken cancellationToken)
    {
        var key = KeyOf(sha256);
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = options.Bucket, Key = key }, cancellationToken);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var parts = new List<PartETag>();
            long length = 0;
            int filled;
            while ((filled = await file.ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, filled);
                using var body = new MemoryStream(buffer, 0, filled, writable: false);
                var part = await client.UploadPartAsync(
                    new UploadPartRequest { BucketName = options.Bucket, Key = key, UploadId = upload.UploadId, PartNumber = parts.Count + 1, InputStream = body, PartSize = filled, UseChunkEncoding = false },
                    cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                length += filled;
            }

            var info = new BlobInfo(BlobAddress.Format(hash), length);
            BlobAddress.Verify(sha256, info);
            await client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = options.Bucket, Key = key, UploadId = upload.UploadId, PartETags = parts },
                cancellationToken);
            return info;
        }
        catch
        {
            await AbortAsync(key, upload.UploadId);
            throw;
        }
    }

    /// <summary>Drops the parts of an upload that will not be completed; they were never visible, so a failure here only costs space.</summary>
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = options.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (AmazonServiceException)
        {
            // s3rver 3.7.1 does not implement abort (405); real S3 lets a lifecycle rule expire incomplete uploads.
        }
    }

    private async ValueTask EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (bucketReady || !options.CreateBucket)
        {
            return;
        }

        await bucketGate.WaitAsync(cancellationToken);
        try
        {
            if (!bucketReady)
            {
                try
                {
                    await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Bucket, UseClientRegion = true }, cancellationToken);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
                {
                    // There already: all that was wanted.
                }

                bucketReady = true;
            }
        }
        finally
        {
            bucketGate.Release();
        }
    }
}
