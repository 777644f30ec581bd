namespace Atom.Server.Files.Blobs;

/// <summary>Settings of the S3-compatible blob store (configuration section <c>Atom:Blobs:S3</c>).</summary>
public sealed class S3BlobOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (all parts but the last).</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>Gets or sets the endpoint, e.g. <c>https://s3.eu-central-1.amazonaws.com</c> or <c>http://127.0.0.1:9000</c>. Required.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the bucket. Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>Gets or sets the region that requests are signed for.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Gets or sets the access key; with <see cref="SecretKey"/>, or neither to use the SDK's default credentials (environment, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret key.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Gets or sets a prefix for every object key (e.g. <c>blobs/</c>), to share a bucket with other data.</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets whether the bucket is addressed in the path rather than the host name; S3-compatible servers mostly need this.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Gets or sets the part size of multipart uploads, and the size above which an object is uploaded in parts (at least 5 MiB).</summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets whether the store creates the bucket on first use when it does not exist.</summary>
    public bool CreateBucket { get; set; } = true;
}
