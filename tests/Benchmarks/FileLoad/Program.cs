using Atom.Benchmarks.FileLoad;
using Atom.Benchmarks.Shared;

// File upload load against a running Atom server, through the SDK (tests/Benchmarks/README.md, "Files"):
//   sink       a raw TCP receiver on 127.0.0.1 (run pinned like the server) for loopback
//   loopback   the same files over plain TCP to the sink: the physical limit of the run
//   upload     N files of one size, C at a time, by one path (stream, chunks-web, chunks-h2): MB/s, files/s
//   ready      small text or PDF files one at a time: upload start to READY with extracted text
//   report     tables from results/files/runs/*.json into results/files/latest.{md,json}
FileLoadOptions options;
try
{
    options = FileLoadOptions.Parse(args);
    _ = (options.Path, options.Content, options.Size, options.Chunk);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: FileLoad upload --target URL [--web-target URL] --token KEY [--path stream|chunks-web|chunks-h2] [--size 1MB] [--files N]");
    Console.Error.WriteLine("         [--concurrency N] [--chunk 1MiB] [--in-flight N] [--warmup-files N] [--ready-timeout S] [--store LABEL]");
    Console.Error.WriteLine("         [--server-pid PID] [--db-pid PID] [--scenario NAME] [--out FILE] [--json]");
    Console.Error.WriteLine("       FileLoad ready --target URL --token KEY [--content text|pdf] [--files N] ...");
    Console.Error.WriteLine("       FileLoad sink [--port N]      FileLoad loopback --sink HOST:PORT [--size ...] [--files N] [--concurrency N] [--chunk ...]");
    Console.Error.WriteLine("       FileLoad report [--runs DIR] [--report PREFIX] [--machine TEXT]");
    return 2;
}

switch (options.Command)
{
    case "report":
        return FileReport.Write(options.RunsDirectory, options.ReportPrefix, options.Machine) ? 0 : 1;
    case "sink":
        await LoopbackRun.RunSinkAsync(options);
        return 0;
}

return await ToolRun.ExitCodeAsync(options.Command, options.Target, () => options.Command switch
{
    "loopback" => LoopbackRun.RunAsync(options),
    "upload" => UploadRun.RunAsync(options),
    "ready" => ReadyRun.RunAsync(options),
    _ => null,
}, options.OutFile, options.Json);
