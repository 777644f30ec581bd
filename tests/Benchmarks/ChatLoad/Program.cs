using Atom.Benchmarks.ChatLoad;
using Atom.Benchmarks.Shared;

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

return await ToolRun.ExitCodeAsync(options.Command, options.Target, () => options.Command switch
{
    "fanout" => FanoutRun.RunAsync(options),
    "throughput" => ThroughputRun.RunAsync(options),
    "idle" => IdleStreamsRun.RunAsync(options),
    _ => null,
}, options.OutFile, options.Json);
