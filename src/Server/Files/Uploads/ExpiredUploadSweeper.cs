using Atom.Server.Files.Stores;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Files.Uploads;

/// <summary>Ends uploads left open past their expiry and frees their staged bytes (tus' "expiration").</summary>
/// <param name="uploads">The uploads.</param>
/// <param name="staging">Their staged bytes.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">The log.</param>
public sealed partial class ExpiredUploadSweeper(UploadStore uploads, UploadStaging staging, TimeProvider time, ILogger<ExpiredUploadSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Ends one batch of expired uploads.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many were ended.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var (tenantId, uploadId) in await uploads.ListExpiredAsync(500, cancellationToken))
        {
            if (await uploads.EndAsync(tenantId, uploadId, UploadStatus.Expired, cancellationToken))
            {
                staging.Delete(tenantId, uploadId);
                ended++;
            }
        }

        return ended;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var ended = await SweepAsync(stoppingToken);
                if (ended > 0)
                {
                    Log.Expired(logger, ended);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.Failed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ended {Count} expired upload(s) and freed their bytes")]
        public static partial void Expired(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Sweeping expired uploads failed; trying again in a minute")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
