namespace Atom.Server.Files.Processing;

/// <summary>A file whose content Atom will not process; <see cref="Reason"/> says why in words fit for the uploader.</summary>
public class FileContentException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FileContentException"/> class.</summary>
    /// <param name="reason">Why the content is refused.</param>
    public FileContentException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    /// <summary>Initializes a new instance of the <see cref="FileContentException"/> class.</summary>
    /// <param name="reason">Why the content is refused.</param>
    /// <param name="innerException">The failure that revealed it.</param>
    public FileContentException(string reason, Exception innerException)
        : base(reason, innerException)
    {
        Reason = reason;
    }

    /// <summary>Initializes a new instance of the <see cref="FileContentException"/> class.</summary>
    public FileContentException()
        : this("The file's content cannot be processed.")
    {
    }

    /// <summary>Gets why the content is refused: which limit or which defect, and where in the file.</summary>
    public string Reason { get; }
}

/// <summary>
/// Content built to exhaust the server: a zip bomb (too many entries, too many expanded bytes, too high a compression
/// ratio, too deep a nesting), an image of too many pixels, or a document a tool cannot finish in time.
/// Retrying cannot help.
/// </summary>
public sealed class UnsafeContentException : FileContentException
{
    /// <summary>Initializes a new instance of the <see cref="UnsafeContentException"/> class.</summary>
    /// <param name="reason">Which limit was exceeded, and by which entry.</param>
    public UnsafeContentException(string reason)
        : base(reason)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsafeContentException"/> class.</summary>
    /// <param name="reason">Which limit was exceeded, and by which entry.</param>
    /// <param name="innerException">The failure that revealed it.</param>
    public UnsafeContentException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsafeContentException"/> class.</summary>
    public UnsafeContentException()
        : base("The file's content exceeds a processing limit.")
    {
    }
}

/// <summary>Content that is not a well-formed file of its type: a truncated PDF, a broken zip or Office file. Retrying cannot help.</summary>
public sealed class CorruptContentException : FileContentException
{
    /// <summary>Initializes a new instance of the <see cref="CorruptContentException"/> class.</summary>
    /// <param name="reason">What is broken.</param>
    public CorruptContentException(string reason)
        : base(reason)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CorruptContentException"/> class.</summary>
    /// <param name="reason">What is broken.</param>
    /// <param name="innerException">The parser's failure.</param>
    public CorruptContentException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CorruptContentException"/> class.</summary>
    public CorruptContentException()
        : base("The file is corrupt.")
    {
    }
}
