using Atom.Sdk;

namespace Atom.Cli.Chat;

/// <summary>What the user types, as <see cref="ChatSession"/> hears of it.</summary>
/// <param name="Line">A line was entered.</param>
/// <param name="Keystroke">The line being typed changed (for the typing indicator).</param>
/// <param name="Ended">No more input: end of file, or Ctrl+D on an empty line.</param>
internal sealed record ChatInput(Action<string> Line, Action Keystroke, Action Ended);

/// <summary>
/// Where a chat session reads lines and shows what happens: a terminal (<see cref="TerminalScreen"/>), or plain
/// lines in and out when stdin or stdout is not one (<see cref="LineScreen"/>), so a chat can be scripted with pipes.
/// </summary>
internal abstract class ChatScreen : IDisposable
{
    /// <summary>Gets whether the screen has a status line (typing indicators go there instead of being printed).</summary>
    public abstract bool HasStatusLine { get; }

    /// <summary>Starts reading input on a thread of its own; the callbacks may run on any thread.</summary>
    /// <param name="input">Where to tell what was typed.</param>
    public abstract void StartInput(ChatInput input);

    /// <summary>Shows an event or message.</summary>
    /// <param name="line">The line.</param>
    public abstract void Show(EventLine line);

    /// <summary>Writes a line of output as it is (proto3 JSON, with --output json).</summary>
    /// <param name="text">The line.</param>
    public abstract void Write(string text);

    /// <summary>Tells the user something about the session (on stderr when the output is piped).</summary>
    /// <param name="text">The note.</param>
    public abstract void Note(string text);

    /// <summary>Reports an error the way every command does (see <see cref="ErrorReport"/>).</summary>
    /// <param name="error">The error.</param>
    public abstract void Report(RpcException error);

    /// <summary>Shows who is typing and what is waiting, or nothing.</summary>
    /// <param name="status">The status, or empty.</param>
    public abstract void Status(string status);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Leaves the screen as a shell expects it.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>Plain lines: input from stdin a line at a time, messages on stdout, notes and errors on stderr.</summary>
/// <param name="context">Where to print.</param>
/// <param name="input">Standard input.</param>
internal sealed class LineScreen(CliContext context, TextReader input) : ChatScreen
{
    /// <inheritdoc />
    public override bool HasStatusLine => false;

    /// <inheritdoc />
    public override void StartInput(ChatInput chatInput)
    {
        // Console.In reads synchronously whatever the API says, so it gets a thread of its own; at exit it is abandoned.
        _ = Task.Run(() =>
        {
            try
            {
                while (input.ReadLine() is { } line)
                {
                    chatInput.Line(line);
                }
            }
            catch (IOException)
            {
            }

            chatInput.Ended();
        });
    }

    /// <inheritdoc />
    public override void Show(EventLine line) => Write(line.Plain(EventText.ClockTime));

    /// <inheritdoc />
    public override void Write(string text)
    {
        context.Out.WriteLine(text);
        context.Out.Flush();
    }

    /// <inheritdoc />
    public override void Note(string text) => context.Error.WriteLine(text);

    /// <inheritdoc />
    public override void Report(RpcException error) => ErrorReport.Print(context, error);

    /// <inheritdoc />
    public override void Status(string status)
    {
    }
}
