using System.CommandLine;
using System.Runtime.InteropServices;
using Atom.Cli;
using Atom.Cli.Commands;

// atom: the command line for Atom. Exit codes are documented in ExitCodes.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the call cleanly (the server sees the cancellation); a second one kills.
    if (!interrupted.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupted.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});

var options = new GlobalOptions();
var runner = new CommandRunner(options, interrupted.Token);
var root = new RootCommand("""
    atom: call and inspect an Atom server (or any gRPC server with the same contracts).
    Sign in once with 'atom login'; later commands use the stored credential unless --token or ATOM_TOKEN is given.
    Exit codes: 0 ok, 1 the server returned an error, 2 usage error (arguments, unknown method, bad JSON),
    3 server unreachable (UNAVAILABLE), 4 deadline exceeded, 5 an uploaded file is not ready (quarantined, rejected...),
    130 interrupted (Ctrl+C).
    """)
{
    LoginCommand.Create(runner),
    LogoutCommand.Create(runner),
    WhoamiCommand.Create(runner),
    TenantsCommand.Create(runner),
    UsersCommand.Create(runner),
    KeysCommand.Create(runner),
    RoomsCommand.Create(runner),
    SendCommand.Create(runner),
    HistoryCommand.Create(runner),
    WatchCommand.Create(runner),
    ChatCommand.Create(runner),
    UploadCommand.Create(runner),
    FilesCommand.Create(runner),
    SearchCommand.Create(runner),
    TranscribeCommand.Create(runner),
    ListenCommand.Create(runner),
    SayCommand.Create(runner),
    VoicesCommand.Create(runner),
    VoicesCommand.CreateVoice(runner),
    CallCommand.Create(runner),
    DescribeCommand.Create(runner),
    ServerCommand.Create(runner),
};
options.AddTo(root);

// '@file' is a response file to System.CommandLine by default; here '-d @file' and '-d @-' mean request data.
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }

    Console.Error.WriteLine("Run 'atom --help' for usage.");
    return ExitCodes.Usage;
}

// Ctrl+C is ours (above), so the parser's own handler and its forced-exit timeout stay off.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupted.Token);
