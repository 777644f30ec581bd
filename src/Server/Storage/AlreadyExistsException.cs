namespace Atom.Server.Storage;

/// <summary>A create or update would duplicate a value that must be unique (a tenant name, an email in a tenant, ...).</summary>
public sealed class AlreadyExistsException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AlreadyExistsException"/> class.</summary>
    /// <param name="resource">The kind of thing, e.g. <c>user</c>.</param>
    /// <param name="field">The field that must be unique, e.g. <c>email</c>.</param>
    /// <param name="value">The value that is taken.</param>
    /// <param name="innerException">The store's constraint error.</param>
    public AlreadyExistsException(string resource, string field, string value, Exception? innerException = null)
        : base($"A {resource} with {field} '{value}' already exists.", innerException)
    {
        Resource = resource;
        Field = field;
        Value = value;
    }

    /// <summary>Initializes a new instance of the <see cref="AlreadyExistsException"/> class.</summary>
    public AlreadyExistsException()
        : this("resource", "id", string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AlreadyExistsException"/> class.</summary>
    /// <param name="message">The message.</param>
    public AlreadyExistsException(string message)
        : base(message)
    {
        Resource = "resource";
        Field = string.Empty;
        Value = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="AlreadyExistsException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Resource = "resource";
        Field = string.Empty;
        Value = string.Empty;
    }

    /// <summary>Gets the kind of thing, e.g. <c>user</c>.</summary>
    public string Resource { get; }

    /// <summary>Gets the field that must be unique, e.g. <c>email</c> (for a BadRequest field violation).</summary>
    public string Field { get; }

    /// <summary>Gets the value that is taken.</summary>
    public string Value { get; }
}
