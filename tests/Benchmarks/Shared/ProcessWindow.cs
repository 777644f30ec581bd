using Atom.Benchmarks.LoadTool;

namespace Atom.Benchmarks.Shared;

/// <summary>CPU and memory of the server, its database and this process over one phase.</summary>
public sealed class ProcessWindow
{
    private readonly int? _serverPid;
    private readonly int? _dbPid;
    private readonly double? _serverCpu;
    private readonly double? _clientCpu;
    private readonly Dictionary<int, long> _serverWait;
    private readonly Dictionary<int, double> _dbCpu;

    /// <summary>Initializes a new instance of the <see cref="ProcessWindow"/> class: the window opens now.</summary>
    /// <param name="serverPid">The server's process, if known.</param>
    /// <param name="dbPid">The database server's main process (PostgreSQL's postmaster), if any.</param>
    public ProcessWindow(int? serverPid, int? dbPid)
    {
        _serverPid = serverPid;
        _dbPid = dbPid;
        _serverCpu = _serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) : null;
        _clientCpu = ProcessProbe.CpuSeconds(Environment.ProcessId);
        _serverWait = _serverPid is { } server ? RunQueueWait(server) : [];
        _dbCpu = DbProcessesCpu();
    }

    /// <summary>Gets the server's CPU seconds since the window opened.</summary>
    public double? ServerCpu => _serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) - _serverCpu : null;

    /// <summary>
    /// Gets the seconds the server's threads spent runnable but waiting for a CPU since the window opened (the sum over
    /// its current threads of /proc/PID/task/TID/schedstat's run-queue time): on a shared machine, the time other work
    /// took from the server.
    /// </summary>
    public double? ServerCpuWait => _serverPid is { } pid
        ? RunQueueWait(pid).Sum(t => t.Value - _serverWait.GetValueOrDefault(t.Key)) / 1e9
        : null;

    /// <summary>Gets this process's CPU seconds since the window opened.</summary>
    public double? ClientCpu => ProcessProbe.CpuSeconds(Environment.ProcessId) - _clientCpu;

    /// <summary>Gets the database's CPU seconds (its main process and its children, e.g. PostgreSQL backends) since the window opened.</summary>
    public double? DbCpu => _dbPid is null ? null : DbProcessesCpu().Sum(p => p.Value - _dbCpu.GetValueOrDefault(p.Key));

    /// <summary>Gets the machine's 1-minute load average now.</summary>
    public static double? LoadAverage
    {
        get
        {
            try
            {
                return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>Gets the server's resident memory now, in MiB.</summary>
    public double? ServerRss => _serverPid is { } pid ? ProcessProbe.RssMiB(pid) : null;

    /// <summary>Gets the server's peak resident memory, in MiB.</summary>
    public double? ServerPeakRss => _serverPid is { } pid ? ProcessProbe.PeakRssMiB(pid) : null;

    /// <summary>Reads everything now: CPU since the window opened, memory and load now.</summary>
    /// <returns>The readings.</returns>
    public ProcessReadings Read() => new()
    {
        ClientCpuSeconds = ClientCpu,
        ServerCpuSeconds = ServerCpu,
        ServerCpuWaitSeconds = ServerCpuWait,
        DbCpuSeconds = DbCpu,
        LoadAverage = LoadAverage,
        ServerRssMiB = ServerRss,
        ServerPeakRssMiB = ServerPeakRss,
        ClientRssMiB = ClientRss,
        ClientPeakRssMiB = ClientPeakRss,
    };

    /// <summary>Gets this process's resident memory now, in MiB.</summary>
    public static double? ClientRss => ProcessProbe.RssMiB(Environment.ProcessId);

    /// <summary>Gets this process's peak resident memory, in MiB.</summary>
    public static double? ClientPeakRss => ProcessProbe.PeakRssMiB(Environment.ProcessId);

    private Dictionary<int, double> DbProcessesCpu()
    {
        var cpu = new Dictionary<int, double>();
        if (_dbPid is not { } db)
        {
            return cpu;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && (pid == db || ParentOf(pid) == db) && ProcessProbe.CpuSeconds(pid) is { } seconds)
            {
                cpu[pid] = seconds;
            }
        }

        return cpu;
    }

    // Per thread, so a thread that ends during the window drops out instead of making the sum go backwards.
    private static Dictionary<int, long> RunQueueWait(int pid)
    {
        var waits = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    waits[int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)] =
                        long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended.
                }
            }
        }
        catch (IOException)
        {
            // The process ended.
        }

        return waits;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
