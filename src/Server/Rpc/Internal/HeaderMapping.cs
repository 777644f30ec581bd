using Atom.Sdk;
using Atom.Sdk.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Atom.Server.Rpc.Internal;

/// <summary>Moves metadata between HTTP headers and <see cref="Metadata"/>: -bin values are base64 on the wire.</summary>
internal static class HeaderMapping
{
    public static Metadata ToMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                MetadataCodec.AddHeaderValue(metadata, key, value);
            }
        }

        return metadata;
    }

    public static void AddTo(IHeaderDictionary headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
        }
    }

    /// <summary>The value of a header that may be given as a comma-separated list, e.g. grpc-accept-encoding.</summary>
    public static bool ListContains(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            {
                if (string.Equals(part, token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
