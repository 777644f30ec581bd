namespace Atom.Server.Voice.Recognition;

/// <summary>Speech recognition cannot run: the engine is not installed or its model is missing, or the remote endpoint failed after retries.</summary>
public sealed class RecognitionUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public RecognitionUnavailableException()
        : this("Speech recognition is unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public RecognitionUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public RecognitionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an endpoint that answered with an HTTP status.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="innerException">The cause.</param>
    public RecognitionUnavailableException(string message, int status, Exception? innerException)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>Gets the remote endpoint's HTTP status, when it answered with one.</summary>
    public int? Status { get; }
}
