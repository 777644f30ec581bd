using System.Globalization;

namespace Atom.Benchmarks.LoadTool;

/// <summary>Reads another process's CPU time and memory from /proc (Linux only; null elsewhere or when it is gone).</summary>
public static class ProcessProbe
{
    // USER_HZ, the unit of /proc/PID/stat times, is fixed at 100 by the Linux ABI on x86-64 and arm64.
    private const double TicksPerSecond = 100.0;

    /// <summary>Gets user + system CPU seconds of all threads of <paramref name="pid"/>.</summary>
    public static double? CpuSeconds(int pid) => StatTicks(pid, 14, 15);

    /// <summary>Gets the CPU seconds of this process's children that have exited and been reaped.</summary>
    public static double? ReapedChildrenCpuSeconds() => StatTicks(Environment.ProcessId, 16, 17);

    /// <summary>Gets the resident set size (VmRSS) of <paramref name="pid"/> in MiB.</summary>
    public static double? RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    /// <summary>Gets the peak resident set size (VmHWM) of <paramref name="pid"/> in MiB.</summary>
    public static double? PeakRssMiB(int pid) => StatusKiB(pid, "VmHWM:") / 1024.0;

    // first and second are 1-based field numbers of proc(5), e.g. 14 = utime.
    private static double? StatTicks(int pid, int first, int second)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state) of proc(5), so field N is fields[N - 3].
            var ticks = long.Parse(fields[first - 3], CultureInfo.InvariantCulture) + long.Parse(fields[second - 3], CultureInfo.InvariantCulture);
            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? StatusKiB(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
