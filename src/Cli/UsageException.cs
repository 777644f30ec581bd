namespace Atom.Cli;

/// <summary>The command line asks for something that cannot be done: an unknown method, bad JSON, a missing file.</summary>
/// <param name="message">What is wrong, naming the offending name or field.</param>
internal sealed class UsageException(string message) : Exception(message);
