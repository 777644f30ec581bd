namespace Atom.Server.Chat.Backplane;

/// <summary>This server process among the nodes sharing a backplane: new with every start, so a node recognizes and skips what it announced itself.</summary>
public sealed class BackplaneNode
{
    /// <summary>Gets the node's id: random, 16 hex digits.</summary>
    public string Id { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
