using System.Reflection;
using Atom.Server.Rpc.Internal;
using Atom.Server.Rpc.Internal.Transcoding;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Atom.Server.Rpc;

/// <summary>Registers the RPC runtime and services.</summary>
public static class AtomRpcServiceCollectionExtensions
{
    /// <summary>Adds the RPC runtime: the dispatcher, the built-in interceptors, the service registry and the REST face (google.api.http, /openapi.json).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddAtomRpc(this IServiceCollection services, Action<AtomRpcOptions>? configure = null)
    {
        var optionsBuilder = services.AddOptions<AtomRpcOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton<LoggingInterceptor>();
        services.TryAddSingleton(BuildRegistry);
        services.TryAddSingleton<IRestFace, RestFace>();
        return services;
    }

    /// <summary>Exposes a service: <typeparamref name="TService"/> derives from a generated <c>XxxBase</c>.</summary>
    /// <typeparam name="TService">The implementation.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="lifetime">How long an instance lives; singletons suit stateless services.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddAtomService<TService>(this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TService : class
    {
        var baseType = FindGeneratedBase(typeof(TService));
        services.TryAdd(new ServiceDescriptor(typeof(TService), typeof(TService), lifetime));
        services.Add(new ServiceDescriptor(baseType, sp => sp.GetRequiredService<TService>(), lifetime));
        var bind = typeof(AtomRpcServiceCollectionExtensions).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(baseType);
        var (descriptor, methods) = ((ProtoServiceDescriptor, IReadOnlyList<ServerMethod>))bind.Invoke(null, null)!;
        services.AddSingleton(new ServiceRegistration(descriptor, methods, lifetime));
        return services;
    }

    /// <summary>Adds the RPC middleware: gRPC, gRPC-Web and REST for every registered service.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseAtomRpc(this IApplicationBuilder app) => app.UseMiddleware<RpcDispatcher>();

    private static (ProtoServiceDescriptor, IReadOnlyList<ServerMethod>) Bind<TBase>()
        where TBase : class, IRpcService<TBase>
    {
        var binder = new RpcServiceBinder<TBase>();
        TBase.BindService(binder);
        return (TBase.ServiceDescriptor, binder.Methods);
    }

    private static Type FindGeneratedBase(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRpcService<>) && i.GetGenericArguments()[0] == t))
            {
                return t;
            }
        }

        throw new ArgumentException($"{type} does not derive from a generated service base (a class implementing IRpcService<TSelf>).", nameof(type));
    }

    private static RpcServiceRegistry BuildRegistry(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<AtomRpcOptions>>().Value;
        var interceptors = new List<ServerInterceptor>
        {
            provider.GetRequiredService<LoggingInterceptor>(),
        };
        interceptors.AddRange(options.Interceptors.Select(t => (ServerInterceptor)(provider.GetService(t) ?? ActivatorUtilities.CreateInstance(provider, t))));

        var registrations = provider.GetServices<ServiceRegistration>()
            .Where(r => !options.DisabledServices.Contains(r.Descriptor.FullName, StringComparer.Ordinal))
            .ToList();
        foreach (var method in registrations.Where(r => r.Lifetime == ServiceLifetime.Singleton).SelectMany(r => r.Methods))
        {
            method.SingletonProvider = provider;
        }

        var methods = registrations.SelectMany(r => r.Methods).ToList();
        foreach (var method in methods)
        {
            // Built once: a call allocates no pipeline, only what its interceptors allocate.
            RpcCallHandler pipeline = method.HandleAsync;
            for (var i = interceptors.Count - 1; i >= 0; i--)
            {
                var interceptor = interceptors[i];
                var next = pipeline;
                pipeline = context => interceptor.InterceptAsync(context, next);
            }

            method.Pipeline = pipeline;
        }

        return new RpcServiceRegistry(registrations.Select(r => r.Descriptor), methods);
    }

    private sealed record ServiceRegistration(ProtoServiceDescriptor Descriptor, IReadOnlyList<ServerMethod> Methods, ServiceLifetime Lifetime);
}
