using Atom.Benchmarks.LoadTool;

// gRPC load generator for the Atom benchmarks (tests/Benchmarks/README.md):
//   unary | stream   load over raw HTTP/2 with hand-framed grpc.testing messages
//   h2load           nghttp2's h2load against UnaryCall, checked and summarized the same way
//   report           side-by-side table + results/latest.{json,html} from results/runs/*.json
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: LoadTool unary|stream|h2load [--target URL] [--connections N] [--concurrency N] [--duration S] [--warmup S]");
    Console.Error.WriteLine("         [--payload BYTES] [--stream-messages N] [--server-pid PID] [--server-name NAME] [--scenario NAME] [--out FILE] [--json]");
    Console.Error.WriteLine("         h2load only: [--warmup-calls N] [--requests N] [--h2load PATH]");
    Console.Error.WriteLine("       LoadTool report [--runs DIR] [--report PREFIX] [--subject atom] [--baseline grpc-js]");
    return 2;
}

if (options.Command == "report")
{
    return ComparisonReport.Write(options.RunsDirectory, options.ReportPrefix, options.Subject, options.Baseline) ? 0 : 1;
}

RunResult? result;
try
{
    result = options.Command switch
    {
        "unary" => await new LoadRunner(options, GrpcWorkload.Unary(options.PayloadSize)).RunAsync(),
        "stream" => await new LoadRunner(options, GrpcWorkload.Stream(options.StreamMessages, options.PayloadSize)).RunAsync(),
        "h2load" => await new H2LoadRunner(options).RunAsync(),
        _ => null,
    };
}
catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or System.ComponentModel.Win32Exception)
{
    // h2load missing, failing or printing something unexpected: no figures, and not a pass.
    Console.Error.WriteLine($"error: {options.Command} against {options.Target}: {ex.Message}");
    return 1;
}

if (result is null)
{
    Console.Error.WriteLine($"error: unknown command '{options.Command}'");
    return 2;
}

if (options.OutFile is { } file)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
    await File.WriteAllTextAsync(file, result.ToJson());
}

Console.Write(options.Json ? result.ToJson() + Environment.NewLine : result.ToText());
return result.Succeeded ? 0 : 1;
