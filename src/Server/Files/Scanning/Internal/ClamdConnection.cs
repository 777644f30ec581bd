using System.Net.Sockets;
using System.Text;

namespace Atom.Server.Files.Scanning.Internal;

/// <summary>
/// One connection to clamd for one command. Every network step (connect, each write, the reply) gets the full timeout
/// afresh: a large upload may take long in total, but a daemon that stops taking data or never answers is noticed.
/// Failures of the connection, and only those, become <see cref="ScannerUnavailableException"/>; the caller's
/// cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ClamdConnection : IAsyncDisposable
{
    // clamd's replies are one short line; a peer that sends more is not clamd, and is not buffered without end.
    private const int MaxReplyBytes = 4096;

    private readonly ClamdAddress address;
    private readonly NetworkStream stream;
    private readonly CancellationTokenSource timer;
    private readonly TimeSpan timeout;
    private readonly CancellationToken cancellationToken;

    private ClamdConnection(ClamdAddress address, NetworkStream stream, CancellationTokenSource timer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        this.address = address;
        this.stream = stream;
        this.timer = timer;
        this.timeout = timeout;
        this.cancellationToken = cancellationToken;
    }

    public static async Task<ClamdConnection> OpenAsync(ClamdAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var socket = address.CreateSocket();
        try
        {
            timer.CancelAfter(timeout);
            await socket.ConnectAsync(address.EndPoint, timer.Token);
            return new ClamdConnection(address, new NetworkStream(socket, ownsSocket: true), timer, timeout, cancellationToken);
        }
        catch (Exception e)
        {
            socket.Dispose();
            timer.Dispose();
            if (IsUnavailability(e, cancellationToken))
            {
                throw Unavailable(e, address, timeout);
            }

            throw;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        timer.CancelAfter(timeout);
        try
        {
            await stream.WriteAsync(data, timer.Token);
        }
        catch (Exception e) when (IsUnavailability(e, cancellationToken))
        {
            throw Unavailable(e, address, timeout);
        }
    }

    /// <summary>
    /// Writes, or returns false when clamd has closed the connection. clamd stops reading and closes when it refuses
    /// a stream (over StreamMaxLength, or an error) with its reply already sent: a failed write is not the end of it.
    /// </summary>
    public async ValueTask<bool> TryWriteAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            await WriteAsync(data);
            return true;
        }
        catch (ScannerUnavailableException e) when (e.Failure == ScanFailure.Unreachable)
        {
            return false;
        }
    }

    /// <summary>Reads the NUL-terminated reply of a z-command; null if clamd closed the connection without one.</summary>
    public async Task<string?> ReadReplyAsync()
    {
        timer.CancelAfter(timeout);
        var buffer = new byte[MaxReplyBytes];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timer.Token);
                if (read == 0)
                {
                    break;
                }

                var end = Array.IndexOf(buffer, (byte)0, length, read);
                if (end >= 0)
                {
                    return Encoding.UTF8.GetString(buffer, 0, end);
                }

                length += read;
            }
        }
        catch (Exception e) when (IsUnavailability(e, cancellationToken))
        {
            throw Unavailable(e, address, timeout);
        }

        // Anything else on the port may end a reply by closing instead of with a NUL; it is then not a verdict anyway.
        return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        timer.Dispose();
    }

    // The timer firing is a timeout; the caller's own token firing is a cancellation and is left alone.
    private static bool IsUnavailability(Exception e, CancellationToken cancellationToken) =>
        e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static ScannerUnavailableException Unavailable(Exception e, ClamdAddress address, TimeSpan timeout) => e is OperationCanceledException
        ? new ScannerUnavailableException(ScanFailure.TimedOut, $"clamd at {address} did not answer within {timeout}.", e)
        : new ScannerUnavailableException(ScanFailure.Unreachable, $"clamd at {address} cannot be reached: {e.Message}", e);
}
