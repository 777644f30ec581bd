using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Embeddings;

public sealed partial class OpenAiEmbeddingGenerator
{
    private static partial class Log
    {
        // Debug: search falls back to keywords and says so where it matters; an outage would otherwise log once per query.
        [LoggerMessage(1, LogLevel.Debug, "The embeddings endpoint {BaseUrl} (model {Model}) is unavailable")]
        public static partial void Unavailable(ILogger logger, string baseUrl, string model, Exception exception);
    }
}
