using System.Net;
using System.Net.Sockets;

namespace Atom.Cli.Tests.TestObjects;

/// <summary>
/// A TCP proxy in front of a server that damages what the client sends, once: the first time a marker passes on its
/// way to the server, one of its bytes is flipped. What a bad network card or a broken middlebox does to a chunk, so
/// the server's chunk checksum fails for real. Everything else passes untouched, both ways.
/// </summary>
public sealed class CorruptingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly byte[] _marker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _corrupted;

    /// <param name="target">The server's address, e.g. <c>http://127.0.0.1:5000</c>.</param>
    /// <param name="marker">The bytes to damage the first time they pass.</param>
    public CorruptingProxy(string target, byte[] marker)
    {
        _target = new Uri(target);
        _marker = marker;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the proxy's address, to give the client instead of the server's.</summary>
    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Gets whether the marker has been damaged.</summary>
    public bool Corrupted => Volatile.Read(ref _corrupted) == 1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                var up = PumpAsync(client.GetStream(), server.GetStream(), corrupt: true);
                var down = PumpAsync(server.GetStream(), client.GetStream(), corrupt: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A connection that ends ends both ways.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool corrupt)
    {
        var buffer = new byte[64 * 1024];

        // The tail of the previous read, so a marker split across two reads is still found.
        var tail = Array.Empty<byte>();
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (corrupt && !Corrupted)
            {
                var window = tail.Concat(buffer.Take(read)).ToArray();
                var at = window.AsSpan().IndexOf(_marker);
                if (at >= tail.Length && Interlocked.Exchange(ref _corrupted, 1) == 0)
                {
                    buffer[at - tail.Length] ^= 0x20;
                }
                else if (at >= 0 && at < tail.Length && Interlocked.Exchange(ref _corrupted, 1) == 0)
                {
                    // The marker began in bytes already sent: damage its first byte that is still here.
                    buffer[0] ^= 0x20;
                }

                tail = window[Math.Max(0, window.Length - _marker.Length + 1)..];
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
