using System.Globalization;

namespace Atom.Benchmarks.Shared;

/// <summary>What the processes did over a run's measured phase (a <see cref="ProcessWindow"/> read at its end).</summary>
public sealed record ProcessReadings
{
    /// <summary>Gets the load tool's CPU seconds.</summary>
    public double? ClientCpuSeconds { get; init; }

    /// <summary>Gets the server's CPU seconds.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>Gets the seconds the server's threads waited for a CPU while runnable (other work on the machine).</summary>
    public double? ServerCpuWaitSeconds { get; init; }

    /// <summary>Gets the database server's CPU seconds (PostgreSQL: the postmaster and its backends).</summary>
    public double? DbCpuSeconds { get; init; }

    /// <summary>Gets the machine's 1-minute load average at the end: other work on a shared machine shows here.</summary>
    public double? LoadAverage { get; init; }

    /// <summary>Gets the server's resident memory at the end, in MiB.</summary>
    public double? ServerRssMiB { get; init; }

    /// <summary>Gets the server's peak resident memory since it started, in MiB.</summary>
    public double? ServerPeakRssMiB { get; init; }

    /// <summary>Gets the load tool's resident memory at the end, in MiB.</summary>
    public double? ClientRssMiB { get; init; }

    /// <summary>Gets the load tool's peak resident memory, in MiB.</summary>
    public double? ClientPeakRssMiB { get; init; }

    /// <summary>Formats the readings as one line for a terminal.</summary>
    /// <returns>The text.</returns>
    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"  cpu s     client {F(ClientCpuSeconds, "F2")}  server {F(ServerCpuSeconds, "F2")} (waited {F(ServerCpuWaitSeconds, "F2")})  db {F(DbCpuSeconds, "F2")}   rss MiB server {F(ServerRssMiB, "F1")} (peak {F(ServerPeakRssMiB, "F1")}) client {F(ClientRssMiB, "F0")} (peak {F(ClientPeakRssMiB, "F0")})  load avg {F(LoadAverage, "F1")}");

    /// <summary>Formats a value, or "-" when there is none.</summary>
    /// <param name="value">The value.</param>
    /// <param name="format">Its format.</param>
    /// <returns>The text.</returns>
    public static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
