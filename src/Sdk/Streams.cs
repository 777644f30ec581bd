using System.Runtime.CompilerServices;

namespace Atom.Sdk;

/// <summary>Reads a stream of messages, one at a time.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamReader<out T>
{
    /// <summary>Gets the message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Reads the next message.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> when a message was read; <see langword="false"/> at the end of the stream.</returns>
    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}

/// <summary>Writes a stream of messages.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Writes one message. Only one write may be pending at a time.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the message has been handed to the transport.</returns>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets or sets how the following writes are made; null for the default, where every write is sent at once.
    /// With <see cref="WriteFlags.BufferHint"/> a write may wait in the buffer for the next write (or the end of
    /// the call) so several go out together: set it only when another write follows promptly.
    /// </summary>
    WriteOptions? WriteOptions { get; set; }
}

/// <summary>Flags that change how a stream's writes are made.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>Each write is sent at once.</summary>
    None = 0,

    /// <summary>A write may be held in the buffer until the next write or the end of the call.</summary>
    BufferHint = 1,
}

/// <summary>How a stream's writes are made.</summary>
/// <param name="flags">The flags.</param>
public sealed class WriteOptions(WriteFlags flags = WriteFlags.None)
{
    /// <summary>Gets options for writes sent at once.</summary>
    public static WriteOptions Default { get; } = new();

    /// <summary>Gets options for writes that may wait for the next one: see <see cref="WriteFlags.BufferHint"/>.</summary>
    public static WriteOptions Buffered { get; } = new(WriteFlags.BufferHint);

    /// <summary>Gets the flags.</summary>
    public WriteFlags Flags { get; } = flags;

    /// <summary>Gets whether a write may be held in the buffer.</summary>
    public bool IsBuffered => (Flags & WriteFlags.BufferHint) != 0;
}

/// <summary>The request stream of a client- or duplex-streaming call.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Tells the server that no more requests will be sent.</summary>
    /// <returns>A task that completes when the end of the stream has been sent.</returns>
    Task CompleteAsync();
}

/// <summary>Extensions for <see cref="IAsyncStreamReader{T}"/>.</summary>
public static class AsyncStreamReaderExtensions
{
    /// <summary>Reads every remaining message, for use with <c>await foreach</c>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="reader">The stream.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The messages.</returns>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
