using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// Runs the in-process store's <see cref="InProcessVectorStore.MaintainAsync"/> every
/// <see cref="VectorStoreOptions.MaintenanceInterval"/>, and writes every pending snapshot when the server stops, so the
/// next start reads snapshots and replays no logs.
/// </summary>
internal sealed partial class VectorStoreMaintenance(InProcessVectorStore store, VectorStoreOptions options, TimeProvider time, ILogger<VectorStoreMaintenance> logger)
    : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await store.SnapshotAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.MaintenanceInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.MaintainAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed round must not stop the host: every write is in a log, the next round tries again.
                    Log.Failed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the snapshots.
        }
    }
}
