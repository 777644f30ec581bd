namespace Atom.Server.Search.Vectors.Internal;

/// <summary>Checks <see cref="VectorStoreOptions"/>, naming each wrong key and why, so a mistake stops the server at start-up.</summary>
internal static class VectorStoreOptionsValidation
{
    private const string Section = VectorStoreOptions.Section;

    public static List<string> Validate(VectorStoreOptions options)
    {
        var errors = new List<string>();
        var provider = Provider(options);
        if (provider is not (VectorStoreOptions.InProcessProvider or VectorStoreOptions.QdrantProvider))
        {
            errors.Add($"{Section}:{nameof(options.Provider)} '{options.Provider}' is not supported; use {VectorStoreOptions.InProcessProvider} or {VectorStoreOptions.QdrantProvider}.");
        }

        if (provider == VectorStoreOptions.QdrantProvider)
        {
            var qdrant = options.Qdrant;
            if (!Uri.TryCreate(qdrant.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{Section}:Qdrant:{nameof(qdrant.Url)} must be an absolute http or https URL, e.g. http://127.0.0.1:6333; got '{qdrant.Url}'.");
            }

            if (qdrant.Timeout <= TimeSpan.Zero || qdrant.Timeout > TimeSpan.FromMilliseconds(int.MaxValue))
            {
                errors.Add($"{Section}:Qdrant:{nameof(qdrant.Timeout)} must be positive; got {qdrant.Timeout}.");
            }

            if (qdrant.UpsertBatch is < 1 or > 10_000)
            {
                errors.Add($"{Section}:Qdrant:{nameof(qdrant.UpsertBatch)} must be between 1 and 10000; got {qdrant.UpsertBatch}.");
            }

            if (!qdrant.CollectionPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                errors.Add($"{Section}:Qdrant:{nameof(qdrant.CollectionPrefix)} may hold only ASCII letters, digits, '_' and '-'; got '{qdrant.CollectionPrefix}'.");
            }

            return errors;
        }

        if (options.SnapshotInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:{nameof(options.SnapshotInterval)} must be positive; got {options.SnapshotInterval}.");
        }

        if (options.MaintenanceInterval <= TimeSpan.Zero || options.MaintenanceInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:{nameof(options.MaintenanceInterval)} must be positive and at most a day; got {options.MaintenanceInterval}.");
        }

        if (options.SnapshotLogBytes < 1)
        {
            errors.Add($"{Section}:{nameof(options.SnapshotLogBytes)} must be positive; got {options.SnapshotLogBytes}.");
        }

        if (!(options.CompactionRatio is > 0 and <= 1))
        {
            errors.Add($"{Section}:{nameof(options.CompactionRatio)} must be above 0 and at most 1; got {options.CompactionRatio}.");
        }

        var hnsw = options.Hnsw;
        if (hnsw.Threshold < 1)
        {
            errors.Add($"{Section}:Hnsw:{nameof(hnsw.Threshold)} must be at least 1; got {hnsw.Threshold}.");
        }

        if (hnsw.M is < 2 or > 128)
        {
            errors.Add($"{Section}:Hnsw:{nameof(hnsw.M)} must be between 2 and 128; got {hnsw.M}.");
        }

        if (hnsw.EfConstruction is < 1 or > 4096)
        {
            errors.Add($"{Section}:Hnsw:{nameof(hnsw.EfConstruction)} must be between 1 and 4096; got {hnsw.EfConstruction}.");
        }

        if (hnsw.EfSearch is < 1 or > 4096)
        {
            errors.Add($"{Section}:Hnsw:{nameof(hnsw.EfSearch)} must be between 1 and 4096; got {hnsw.EfSearch}.");
        }

        if (hnsw.ExactScanMatches < 0)
        {
            errors.Add($"{Section}:Hnsw:{nameof(hnsw.ExactScanMatches)} must not be negative; got {hnsw.ExactScanMatches}.");
        }

        return errors;
    }

    /// <summary>The provider, in lower case; unset means the default.</summary>
    public static string Provider(VectorStoreOptions options) =>
        string.IsNullOrWhiteSpace(options.Provider) ? VectorStoreOptions.InProcessProvider : options.Provider.Trim().ToLowerInvariant();
}
