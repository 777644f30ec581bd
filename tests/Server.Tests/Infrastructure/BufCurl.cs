namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// Runs npm's buf (tests/Interop/node/node_modules/.bin/buf), a gRPC client nobody here wrote. Returns null, and
/// says so on the console, when buf is not installed (build.sh installs it with npm).
/// </summary>
public static class BufCurl
{
    public sealed record Result(int ExitCode, string Output);

    public static string? Executable
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Interop", "node", "node_modules", ".bin", "buf");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        // A missing peer fails the test rather than skipping it: ./build.sh test always installs buf.
        var buf = Executable ?? throw new InvalidOperationException("buf is not installed: run ./build.sh test, or npm install in tests/Interop/node.");

        // Reflection and Atom's own RPCs need a caller; health ignores it.
        string[] caller = ["-H", "authorization: Bearer " + TestServer.AdminToken, "--reflect-header", "authorization: Bearer " + TestServer.AdminToken];
        var run = await PeerProcess.RunAsync(buf, ["curl", .. caller, .. arguments], TimeSpan.FromSeconds(60));
        return new Result(run.ExitCode, run.Stdout + run.Stderr);
    }
}
