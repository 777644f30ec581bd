using Atom.Sdk;

namespace Atom.Benchmarks.Shared;

/// <summary>
/// The server under load, as the SDK sees it: one <see cref="AtomChannel"/> per simulated client connection (each
/// channel pools its own connections), with the bootstrap admin's API key on every call and no retries.
/// </summary>
public class AtomTarget : IDisposable
{
    private readonly Uri _address;
    private readonly CallCredentials _credentials;
    private readonly RpcProtocol _protocol;
    private readonly List<AtomChannel> _channels = [];
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="AtomTarget"/> class.</summary>
    /// <param name="address">The server's address for <paramref name="protocol"/>: the native gRPC port, or the HTTP/1.1 port for gRPC-Web.</param>
    /// <param name="token">The API key every call carries.</param>
    /// <param name="protocol">The wire protocol.</param>
    public AtomTarget(Uri address, string token, RpcProtocol protocol = RpcProtocol.Grpc)
    {
        _address = address;
        _credentials = CallCredentials.FromBearerToken(token);
        _protocol = protocol;
        Admin = NewChannel();
    }

    /// <summary>Gets the channel used for set-up calls.</summary>
    public AtomChannel Admin { get; }

    /// <summary>Gets a short tag unique to this run, for names and request ids.</summary>
    public string RunTag { get; } = Guid.NewGuid().ToString("N")[..6];

    /// <summary>Opens a channel of its own (its own connection once used).</summary>
    /// <returns>The channel, disposed with the target.</returns>
    public AtomChannel NewChannel()
    {
        var channel = AtomChannel.ForAddress(_address, new AtomChannelOptions
        {
            Credentials = _credentials,
            Protocol = _protocol,
            // Sends and uploads are not idempotent, and a benchmark must see every failure.
            RetryPolicy = RetryPolicy.None,
            MaxReceiveMessageSize = null,
        });
        lock (_gate)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes every channel.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }

            _channels.Clear();
        }
    }
}
