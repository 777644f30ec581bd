namespace Atom.Server.Chat;

/// <summary>Limits of chat (<c>Atom:Chat</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Chat";

    /// <summary>Gets or sets the largest message text, in UTF-8 bytes.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Gets or sets how many messages one user may send per second on average.</summary>
    public double SendsPerSecond { get; set; } = 20;

    /// <summary>Gets or sets how many messages one user may send in a burst before the average applies.</summary>
    public int SendBurst { get; set; } = 40;
}
