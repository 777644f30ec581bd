using System.CommandLine;
using Atom.Cli.Calls;
using Atom.Cli.Descriptors;
using Atom.Sdk;

namespace Atom.Cli.Commands;

/// <summary><c>atom call SERVICE/METHOD [-d JSON|@file|@-]</c>: any RPC, JSON in, proto3 JSON out.</summary>
internal static class CallCommand
{
    public static Command Create(CommandRunner runner)
    {
        var method = new Argument<string>("method")
        {
            Description = "The method: pkg.Service/Method, pkg.Service.Method or a unique Service/Method",
        };
        var data = new Option<string?>("--data", "-d")
        {
            Description = "The request as proto3 JSON, @FILE or @- for stdin; client and duplex streams take NDJSON, one request per line [default: {} or, for client streams, stdin]",
            HelpName = "JSON|@FILE|@-",
        };

        var command = new Command("call", "Call any RPC the contracts define; server streams print one JSON object per line as they arrive")
        {
            method,
            data,
        };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            var descriptor = context.Catalog.FindMethod(result.GetValue(method)!);
            var kind = DescriptorCatalog.KindOf(descriptor);
            var source = RequestSource.From(result.GetValue(data), kind is MethodType.ClientStreaming or MethodType.DuplexStreaming, Console.In);
            using var channel = context.Connect();
            await new DynamicCall(context, channel).RunAsync(descriptor, source).ConfigureAwait(false);
            return ExitCodes.Success;
        }, token));
        return command;
    }
}
