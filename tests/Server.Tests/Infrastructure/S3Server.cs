using Atom.Server.Files.Blobs;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for tests: the one named by ATOM_TEST_S3 (an endpoint URL accepting the s3rver keys), or else an
/// s3rver this process starts with tests/scripts/s3rver.sh and stops on exit. Each caller gets a bucket of its own.
/// </summary>
public static class S3Server
{
    private static readonly Lazy<string> Endpoint = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Settings for a new, not yet created bucket on the server (the store creates it on first use).</summary>
    /// <param name="partSize">The multipart part size.</param>
    public static S3BlobOptions NewBucket(long partSize = S3BlobOptions.MinimumPartSize) => new()
    {
        ServiceUrl = Endpoint.Value,
        Bucket = "atom-test-" + Guid.NewGuid().ToString("N")[..16],
        AccessKey = "S3RVER",
        SecretKey = "S3RVER",
        PartSize = partSize,
    };

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("ATOM_TEST_S3");
        return string.IsNullOrEmpty(configured) ? TestScripts.Start("s3rver.sh") : configured;
    }
}
