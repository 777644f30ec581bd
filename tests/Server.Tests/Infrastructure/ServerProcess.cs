using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Atom.Sdk;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// An Atom server as a real, separate process (the test's built copy of Atom.Server.dll under <c>dotnet</c>), on
/// loopback ports the OS picks, read from the banner the server prints once it listens. For what an in-process
/// <see cref="TestServer"/> cannot show: several nodes, and a process killed with SIGKILL. Every process started
/// here is killed on dispose, and on the test host's exit should a test leave one behind.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<(Uri Grpc, Uri Http)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<AtomChannel> _channels = [];
    private Uri? _grpcPending;

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    };

    private ServerProcess(Process process) => _process = process;

    /// <summary>Gets the native gRPC address.</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>Gets the gRPC-Web/REST address.</summary>
    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a server and waits until it listens. Loopback ports, Warning-level logs and the test admin key come
    /// first, so <paramref name="arguments"/> can override any of them.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Atom.Server.dll"));
        foreach (var argument in (string[])["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
                     $"--Atom:Bootstrap:AdminToken={TestServer.AdminToken}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The child must not inherit the test host's settings for its own runtime.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("Atom__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Received(e.Data);
        process.ErrorDataReceived += (_, e) => server.Received(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("The server exited before it listened."));
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (server.GrpcAddress, server.HttpAddress) = await server._listening.Task.WaitAsync(StartTimeout);
            return server;
        }
        catch (Exception ex)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"Atom.Server did not start ({ex.Message}). Its output:\n{server.Output}", ex);
        }
    }

    /// <summary>A channel to the gRPC port sending <paramref name="token"/>; disposed with the process.</summary>
    public AtomChannel Channel(string? token = TestServer.AdminToken)
    {
        var channel = AtomChannel.ForAddress(GrpcAddress, new AtomChannelOptions { Credentials = CallCredentials.FromBearerToken(token) });
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>Asks the process to stop as an orchestrator does (SIGTERM) and waits for it to exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        Running.TryRemove(_process.Id, out _);
        return _process.ExitCode;
    }

    /// <summary>How often the output so far contains a text, e.g. a log message.</summary>
    public int OutputCount(string text) => Regex.Count(Output, Regex.Escape(text));

    /// <summary>Waits until the output contains a text (e.g. a log message) at least <paramref name="times"/> times.</summary>
    public async Task WaitForOutputAsync(string text, int times, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (OutputCount(text) < times)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The server did not print '{text}' {times} times within {timeout}. Its output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }

            _channels.Clear();
        }

        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        // The banner Program prints once both endpoints listen.
        if (GrpcLine().Match(line) is { Success: true } grpc)
        {
            _grpcPending = new Uri(grpc.Groups[1].Value);
        }
        else if (HttpLine().Match(line) is { Success: true } http && _grpcPending is not null)
        {
            _listening.TrySetResult((_grpcPending, new Uri(http.Groups[1].Value)));
        }
    }

    [GeneratedRegex(@"gRPC \(HTTP/2\)\s+(http://\S+)")]
    private static partial Regex GrpcLine();

    [GeneratedRegex(@"gRPC-Web and REST \(HTTP/1\.1\)\s+(http://\S+)")]
    private static partial Regex HttpLine();
}
