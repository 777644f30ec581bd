namespace Atom.Server.Files.Blobs.Internal;

/// <summary>Start-up checks of <see cref="BlobOptions"/>, with messages that name the setting to fix.</summary>
internal static class BlobOptionsValidation
{
    private const string S3Section = BlobOptions.Section + ":S3";

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first setting an S3 store cannot work with.</summary>
    public static void ValidateS3(S3BlobOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            throw Invalid($"{BlobOptions.Section}:Provider is s3 but {S3Section}:ServiceUrl is empty; set it to the endpoint, e.g. https://s3.eu-central-1.amazonaws.com.");
        }

        if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid($"{S3Section}:ServiceUrl '{options.ServiceUrl}' is not an http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw Invalid($"{BlobOptions.Section}:Provider is s3 but {S3Section}:Bucket is empty.");
        }

        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
        {
            throw Invalid($"{S3Section}:AccessKey and {S3Section}:SecretKey go together: set both, or neither to use the SDK's default credentials.");
        }

        // Parts are buffered in one array, hence the upper bound; S3 itself refuses parts under 5 MiB.
        if (options.PartSize < S3BlobOptions.MinimumPartSize || options.PartSize > Array.MaxLength)
        {
            throw Invalid($"{S3Section}:PartSize {options.PartSize} is outside {S3BlobOptions.MinimumPartSize} (5 MiB) to {Array.MaxLength} bytes.");
        }
    }

    private static InvalidOperationException Invalid(string message) => new(message);
}
