namespace Atom.Server.Voice.Recognition;

/// <summary>Every live session the engine can run is in use: the caller answers RESOURCE_EXHAUSTED at once instead of stalling.</summary>
public sealed class RecognizerBusyException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public RecognizerBusyException()
        : this("All speech recognition streams are in use.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public RecognizerBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RecognizerBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an engine that runs <paramref name="maxStreams"/> streams at once.</summary>
    /// <param name="maxStreams">The engine's capacity.</param>
    public RecognizerBusyException(int maxStreams)
        : this($"All {maxStreams} speech recognition streams are in use; try again when one ends (Atom:Voice:Recognition:MaxStreams sets how many).")
    {
        MaxStreams = maxStreams;
    }

    /// <summary>Gets the engine's capacity, when known.</summary>
    public int? MaxStreams { get; }
}
