using Atom.Benchmarks.ChatLoad;

// Chat load against a running Atom server, through the SDK (tests/Benchmarks/README.md, "Chat"):
//   fanout       one room, N subscribers, an open-loop sender at a fixed rate: send-to-delivery latency
//   throughput   N closed-loop senders into one or many rooms, with or without subscribers: sends/s
//   idle         server memory with 0, then more and more idle subscribers: KiB per stream
//   report       tables from results/chat/runs/*.json into results/chat/latest.{md,json}
ChatLoadOptions options;
try
{
    options = ChatLoadOptions.Parse(args);
    _ = options.Transport;
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: ChatLoad fanout|throughput|idle --target URL --token KEY [--store LABEL] [--transport subscribe|converse]");
    Console.Error.WriteLine("         [--subscribers N] [--streams-per-connection N] [--text-bytes N] [--server-pid PID] [--scenario NAME] [--out FILE] [--json]");
    Console.Error.WriteLine("         fanout: [--rate MSGS_PER_S] [--duration S]   throughput: [--senders N] [--rooms N] [--warmup S] [--duration S]");
    Console.Error.WriteLine("         idle: [--steps 500,1000,2000] [--settle S]   all: [--drain-timeout S]");
    Console.Error.WriteLine("       ChatLoad report [--runs DIR] [--report PREFIX] [--machine TEXT]");
    return 2;
}

if (options.Command == "report")
{
    return ChatReport.Write(options.RunsDirectory, options.ReportPrefix, options.Machine) ? 0 : 1;
}

ChatResult? result;
try
{
    result = options.Command switch
    {
        "fanout" => await FanoutRun.RunAsync(options),
        "throughput" => await ThroughputRun.RunAsync(options),
        "idle" => await IdleStreamsRun.RunAsync(options),
        _ => null,
    };
}
catch (Atom.Sdk.RpcException ex)
{
    // Set-up failed (e.g. the room could not be created): no figures, and not a pass.
    Console.Error.WriteLine($"error: {options.Command} against {options.Target}: {ex.StatusCode}: {ex.Status.Detail}");
    return 1;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
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
