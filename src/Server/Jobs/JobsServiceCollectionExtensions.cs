using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Atom.Server.Jobs;

/// <summary>Registers the durable job queue, its worker and the handlers of job kinds.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="JobQueue"/> and the <see cref="JobWorker"/> that runs the registered handlers. Needs storage.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (<c>Atom:Jobs</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>()
            .Bind(configuration.GetSection(JobOptions.Section))
            .Validate(o => o.Workers >= 1, $"{JobOptions.Section}:Workers must be at least 1.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{JobOptions.Section}:PollInterval must be positive.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromMilliseconds(30), $"{JobOptions.Section}:LeaseDuration must be at least 30 ms.")
            .Validate(o => o.MaxAttempts >= 1, $"{JobOptions.Section}:MaxAttempts must be at least 1.")
            .Validate(o => o.BaseBackoff >= TimeSpan.Zero && o.MaxBackoff >= o.BaseBackoff, $"{JobOptions.Section}:BaseBackoff must not be negative nor exceed MaxBackoff.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobQueue>();
        services.AddHostedService<JobWorker>();
        return services;
    }

    /// <summary>Adds the handler of a job kind (a singleton); the <see cref="JobWorker"/> claims jobs of that kind from then on.</summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class, IJobHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, THandler>());
        return services;
    }
}
