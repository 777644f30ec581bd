namespace Atom.Server.Chat.Streaming;

/// <summary>Limits of live delivery (<c>Atom:Chat:Streams</c>).</summary>
public sealed class ChatStreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Chat:Streams";

    /// <summary>Gets or sets how many undelivered events one subscriber may have queued before it is cut off as too slow.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Gets or sets how many stored events one catch-up read fetches.</summary>
    public int CatchUpBatchSize { get; set; } = 500;

    /// <summary>
    /// Gets or sets how long a room's live events wait for an earlier sequence that has committed but not been
    /// published yet (concurrent sends finish in any order, and other nodes' events arrive through the backplane).
    /// When it passes, what waited is delivered anyway and each subscription reads the missing events from the store.
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how many of a room's live events may wait for an earlier sequence before they are delivered anyway.</summary>
    public int ReorderCapacity { get; set; } = 256;
}
