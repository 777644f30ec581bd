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
}
