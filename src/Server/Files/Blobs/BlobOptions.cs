namespace Atom.Server.Files.Blobs;

/// <summary>Where Atom keeps file contents (configuration section <c>Atom:Blobs</c>).</summary>
public sealed class BlobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Blobs";

    /// <summary>Gets or sets the provider: <c>local</c> (embedded default, a directory) or <c>s3</c> (any S3-compatible server).</summary>
    public string Provider { get; set; } = "local";

    /// <summary>
    /// Gets or sets the directory: the blobs themselves for <c>local</c>, temporary files (downloads, spooled uploads) for <c>s3</c>.
    /// Default: <c>&lt;Atom:DataDir&gt;/blobs</c>.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Gets or sets the S3 settings, used when <see cref="Provider"/> is <c>s3</c>.</summary>
    public S3BlobOptions S3 { get; set; } = new();
}
