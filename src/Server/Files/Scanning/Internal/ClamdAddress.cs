using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Atom.Server.Files.Scanning.Internal;

/// <summary>Where clamd listens: a unix socket or a TCP host and port, parsed from <see cref="ScannerOptions.Address"/>.</summary>
internal sealed class ClamdAddress
{
    private const string UnixPrefix = "unix:";
    private const string TcpPrefix = "tcp://";

    // sun_path holds 108 bytes on Linux, one of them the terminating NUL.
    private const int MaxUnixPathBytes = 107;

    private ClamdAddress(EndPoint endPoint, string text)
    {
        EndPoint = endPoint;
        Text = text;
    }

    public EndPoint EndPoint { get; }

    public string Text { get; }

    public static bool TryParse(string address, [NotNullWhen(true)] out ClamdAddress? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (address.StartsWith(UnixPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = address[UnixPrefix.Length..];
            error = !path.StartsWith('/') ? "the socket path after 'unix:' must be absolute"
                : Encoding.UTF8.GetByteCount(path) > MaxUnixPathBytes ? $"the socket path is longer than the {MaxUnixPathBytes} bytes a unix socket address holds"
                : null;
            if (error is null)
            {
                parsed = new ClamdAddress(new UnixDomainSocketEndPoint(path), address);
            }

            return error is null;
        }

        if (address.StartsWith(TcpPrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                error = "it is not tcp://host:port with a port from 1 to 65535";
            }
            else if (uri.HostNameType is UriHostNameType.Unknown || string.IsNullOrEmpty(uri.Host))
            {
                error = "it names no host";
            }
            else if (uri.Port is <= 0 or > 65535 || !HasExplicitPort(address))
            {
                error = "it names no port (clamd has no default this side assumes)";
            }
            else if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                error = "a tcp address is only host and port";
            }
            else
            {
                error = null;
                EndPoint endPoint = IPAddress.TryParse(uri.IdnHost, out var ip) ? new IPEndPoint(ip, uri.Port) : new DnsEndPoint(uri.IdnHost, uri.Port);
                parsed = new ClamdAddress(endPoint, address);
            }

            return error is null;
        }

        error = "it must start with 'unix:' or 'tcp://'";
        return false;
    }

    public Socket CreateSocket() => EndPoint switch
    {
        UnixDomainSocketEndPoint => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
        IPEndPoint ip => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },

        // A host name may resolve to IPv4 or IPv6 addresses: a dual-mode socket can connect to either.
        _ => new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },
    };

    public override string ToString() => Text;

    // Uri fills in no default port for an unknown scheme, but "tcp://host:" would still parse; the digits must be there.
    private static bool HasExplicitPort(string address)
    {
        var authority = address[TcpPrefix.Length..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end < 0 ? authority : authority[..end];
        var colon = authority.LastIndexOf(':');
        return colon >= 0 && colon < authority.Length - 1 && authority[(colon + 1)..].All(char.IsAsciiDigit);
    }
}
