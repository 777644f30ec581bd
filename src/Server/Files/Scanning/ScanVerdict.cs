namespace Atom.Server.Files.Scanning;

/// <summary>What a scanner concluded about one piece of content.</summary>
/// <param name="Infected">Whether a signature matched.</param>
/// <param name="Signature">The name of the signature that matched (clamd's name, e.g. with a <c>.UNOFFICIAL</c> suffix for local ones); null when clean.</param>
/// <param name="Engine">The engine and signature version that gave the verdict, so verdicts can be revisited when signatures change.</param>
public sealed record ScanVerdict(bool Infected, string? Signature, string Engine);
