namespace Atom.Server.Voice.Synthesis;

/// <summary>
/// A synthesis request with a field that cannot be honoured: <see cref="Field"/> names it (as in the request: <c>text</c>,
/// <c>voice</c>, <c>speed</c>, <c>pitch</c>, <c>sample_rate</c>, <c>format</c>) and the message says why, which limit and
/// which setting where a limit is configured. The API maps it to INVALID_ARGUMENT with a field violation.
/// </summary>
public sealed class SynthesisRequestException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public SynthesisRequestException()
        : this("request", "The synthesis request is invalid.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">Why the request is refused.</param>
    public SynthesisRequestException(string message)
        : this("request", message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">Why the request is refused.</param>
    /// <param name="innerException">The cause.</param>
    public SynthesisRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Field = "request";
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="field">The request field at fault.</param>
    /// <param name="message">Why it is refused.</param>
    public SynthesisRequestException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>Gets the request field at fault.</summary>
    public string Field { get; }
}

/// <summary>
/// Speech cannot be synthesized now: espeak-ng or ffmpeg is not installed, or the endpoint is unreachable, throttling past
/// its retries, or refusing the request. The API maps it to UNAVAILABLE (or FAILED_PRECONDITION when nothing is installed).
/// </summary>
public sealed class SpeechSynthesisUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public SpeechSynthesisUnavailableException()
        : this("Speech synthesis is unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is missing or failing.</param>
    public SpeechSynthesisUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is missing or failing.</param>
    /// <param name="innerException">The cause.</param>
    public SpeechSynthesisUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an endpoint's HTTP answer.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The endpoint's last HTTP status.</param>
    /// <param name="innerException">The cause.</param>
    public SpeechSynthesisUnavailableException(string message, int statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Gets the endpoint's last HTTP status when it answered (429 or 5xx after the retries, or a 4xx); else null.</summary>
    public int? StatusCode { get; }
}
