using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Vectors;

public sealed partial class InProcessVectorStore
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Vector collection {Collection}: {Points} points loaded in {Milliseconds:F0} ms ({Detail})")]
        public static partial void Restored(ILogger logger, string collection, int points, double milliseconds, string detail);

        // The caller re-indexes from the relational store; an operator may want to know why it had to.
        [LoggerMessage(2, LogLevel.Warning, "Vector collection {Collection} could not be loaded ({Reason}); its files were moved to {Aside} and it must be indexed again")]
        public static partial void Lost(ILogger logger, string collection, string reason, string aside);

        [LoggerMessage(3, LogLevel.Debug, "Vector collection {Collection}: snapshot of {Points} points written in {Milliseconds:F0} ms")]
        public static partial void SnapshotWritten(ILogger logger, string collection, int points, double milliseconds);

        [LoggerMessage(4, LogLevel.Debug, "Vector collection {Collection} compacted: {Deleted} deleted slots dropped, {Points} points kept")]
        public static partial void Compacted(ILogger logger, string collection, long deleted, long points);

        [LoggerMessage(5, LogLevel.Error, "Vector collection {Collection}: the HNSW graph could not be built; searches stay exact")]
        public static partial void GraphBuildFailed(ILogger logger, string collection, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Vector collection {Collection}: maintenance failed; the change log still holds every write")]
        public static partial void MaintenanceFailed(ILogger logger, string collection, Exception exception);
    }
}
