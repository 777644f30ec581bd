using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// The CLI running as a process that stays up (watch, chat): its stdout is read a line at a time as it comes, its
/// stderr collected, its stdin written to. Killed when disposed if it is still running.
/// </summary>
public sealed class RunningCli : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrRead;
    private readonly List<string> _seen = [];
    private Task? _stdoutRead;

    private RunningCli(Process process, bool readNow)
    {
        _process = process;
        _stderrRead = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        });
        if (readNow)
        {
            StartReading();
        }
    }

    /// <summary>Gets what the CLI wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Gets the stdout lines read so far.</summary>
    public IReadOnlyList<string> Seen => _seen;

    /// <summary>Starts the CLI with <c>--server</c> and the arguments.</summary>
    /// <param name="server">The server's address.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="token">The credential (ATOM_TOKEN), or null for the bootstrap admin's.</param>
    /// <param name="readNow">False leaves stdout unread until <see cref="StartReading"/>: the CLI blocks once the pipe is full, like one piped into a slow consumer.</param>
    public static RunningCli Start(string server, IEnumerable<string> args, string? token = null, bool readNow = true)
    {
        var environment = token is null ? null : new Dictionary<string, string> { ["ATOM_TOKEN"] = token };
        return new RunningCli(AtomCli.Start(["--server", server, .. args], environment, asAdmin: token is null), readNow);
    }

    /// <summary>Follows a CLI process started with <see cref="AtomCli.Start"/>.</summary>
    /// <param name="process">The process.</param>
    public static RunningCli Attach(Process process) => new(process, readNow: true);

    /// <summary>Reads one stdout line before reading has started (see <see cref="Start"/>'s readNow), and no more.</summary>
    /// <returns>The line.</returns>
    public async Task<string> ReadOneLineAsync()
    {
        if (_stdoutRead is not null)
        {
            throw new InvalidOperationException("stdout is being read already.");
        }

        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Wait)
            ?? throw new Xunit.Sdk.XunitException($"stdout ended.\n{Describe()}");
        _seen.Add(line);
        return line;
    }

    /// <summary>Starts reading stdout.</summary>
    public void StartReading() => _stdoutRead ??= Task.Run(async () =>
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            _stdout.Writer.TryWrite(line);
        }

        _stdout.Writer.TryComplete();
    });

    /// <summary>Reads stdout lines until one matches, and returns it; fails the test when none does in time.</summary>
    /// <param name="match">What the line looks like.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    public async Task<string> LineAsync(Func<string, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            while (await _stdout.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_stdout.Reader.TryRead(out var line))
                {
                    _seen.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"No stdout line {what} within {Wait.TotalSeconds}s.\n{Describe()}");
    }

    /// <summary>Waits until stderr holds a text; fails the test when it does not in time.</summary>
    /// <param name="text">The text.</param>
    public async Task StderrAsync(string text)
    {
        var until = DateTime.UtcNow + Wait;
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until || _process.HasExited && _stderrRead.IsCompleted && !Stderr.Contains(text, StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException($"stderr never said '{text}'.\n{Describe()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Writes a line to the CLI's stdin.</summary>
    /// <param name="line">The line.</param>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes the CLI's stdin.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends Ctrl+C and waits for the exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> InterruptAsync()
    {
        AtomCli.Interrupt(_process);
        return await ExitAsync();
    }

    /// <summary>Waits for the CLI to exit, reading what stdout still has.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> ExitAsync()
    {
        StartReading();
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await _stdoutRead!.WaitAsync(timeout.Token);
            await _stderrRead.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The CLI did not exit within {Wait.TotalSeconds}s.\n{Describe()}");
        }

        while (_stdout.Reader.TryRead(out var line))
        {
            _seen.Add(line);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private string Describe() => $"--- stdout so far\n{string.Join('\n', _seen)}\n--- stderr\n{Stderr}";
}
