using Atom.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Rpc.Internal;

/// <summary>A method the server serves: its descriptor and the innermost handler of its pipeline.</summary>
internal abstract class ServerMethod(IMethod method)
{
    public IMethod Method { get; } = method;

    /// <summary>Gets the full pipeline: interceptors around <see cref="HandleAsync"/>. Set once at start-up.</summary>
    public RpcCallHandler Pipeline { get; set; } = null!;

    /// <summary>Reads the request(s), calls the service and writes the response(s).</summary>
    public abstract Task HandleAsync(ServerCallContext context);

    private object? _singleton;

    /// <summary>
    /// Gets or sets the root provider of a singleton service: its instance is resolved on the first call and
    /// reused, so calls skip the per-request DI scope. (Not at start-up: services may depend on the registry.)
    /// </summary>
    public IServiceProvider? SingletonProvider { get; set; }

    protected TService Resolve<TService>(ServerCallContext context)
        where TService : class
    {
        if (SingletonProvider is null)
        {
            return context.RequestServices.GetRequiredService<TService>();
        }

        return (TService)(_singleton ??= SingletonProvider.GetRequiredService<TService>());
    }
}
