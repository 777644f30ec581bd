using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal;

/// <summary>The REST face: finds the google.api.http rule a request matches.</summary>
internal interface IRestFace
{
    /// <summary>Matches a request against the HTTP rules; false when none applies.</summary>
    bool TryMatch(HttpContext http, out IRestCall call);
}

/// <summary>A matched REST request, ready to run through the shared pipeline.</summary>
internal interface IRestCall
{
    /// <summary>Binds the request, runs the call through <paramref name="dispatcher"/> and writes the JSON response.</summary>
    Task ExecuteAsync(HttpContext http, RpcDispatcher dispatcher);
}
