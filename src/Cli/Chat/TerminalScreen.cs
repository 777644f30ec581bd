using System.Text;
using Atom.Sdk;
using Spectre.Console;

namespace Atom.Cli.Chat;

/// <summary>
/// A chat on a terminal: a prompt line at the bottom holds what is being typed (and who else is typing); everything
/// that arrives is printed above it, and the prompt is drawn again under it. Keys are read one at a time so a
/// message arriving mid-sentence does not tear the sentence apart.
/// </summary>
/// <param name="context">Where to print.</param>
internal sealed class TerminalScreen(CliContext context) : ChatScreen
{
    // The input thread and the session both draw; one at a time.
    private readonly Lock _gate = new();
    private readonly StringBuilder _typed = new();
    private string _status = string.Empty;
    private bool _closed;

    /// <inheritdoc />
    public override bool HasStatusLine => true;

    /// <inheritdoc />
    public override void StartInput(ChatInput input)
    {
        // ReadKey blocks and ignores cancellation; a background thread is simply abandoned when the chat ends.
        var thread = new Thread(() => ReadKeys(input)) { IsBackground = true, Name = "atom chat keys" };
        thread.Start();
        lock (_gate)
        {
            DrawPrompt();
        }
    }

    /// <inheritdoc />
    public override void Show(EventLine line) => Above(() => context.Console.MarkupLine(line.Markup(EventText.ClockTime)));

    /// <inheritdoc />
    public override void Write(string text) => Above(() => context.Out.WriteLine(text));

    /// <inheritdoc />
    public override void Note(string text) => Above(() => context.Out.WriteLine(Terminal.Dim + text + Terminal.Plain));

    /// <inheritdoc />
    public override void Report(RpcException error) => Above(() => ErrorReport.Print(context, error));

    /// <inheritdoc />
    public override void Status(string status)
    {
        lock (_gate)
        {
            if (_status != status)
            {
                _status = status;
                DrawPrompt();
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                context.Out.Write(Terminal.ClearLine);
                context.Out.Flush();
            }
        }

        base.Dispose(disposing);
    }

    private void Above(Action write)
    {
        lock (_gate)
        {
            context.Out.Write(Terminal.ClearLine);
            write();
            DrawPrompt();
        }
    }

    private void DrawPrompt()
    {
        if (_closed)
        {
            return;
        }

        var status = _status.Length > 0 ? $"({_status}) " : string.Empty;
        var room = Math.Max(10, Terminal.Width() - status.Length - 3);

        // A line longer than the terminal would wrap, and clearing one row would leave the rest: show its end instead.
        var shown = _typed.Length <= room ? _typed.ToString() : "…" + _typed.ToString(_typed.Length - room + 1, room - 1);
        context.Out.Write($"{Terminal.ClearLine}{Terminal.Dim}{status}{Terminal.Plain}> {shown}");
        context.Out.Flush();
    }

    private void ReadKeys(ChatInput input)
    {
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = Console.ReadKey(intercept: true);
            }
            catch (InvalidOperationException)
            {
                input.Ended();
                return;
            }

            string? entered = null;
            var changed = false;
            lock (_gate)
            {
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        entered = _typed.ToString();
                        _typed.Clear();
                        break;
                    case ConsoleKey.Backspace:
                        changed = _typed.Length > 0;
                        _typed.Length = Math.Max(0, _typed.Length - 1);
                        break;
                    case ConsoleKey.Escape:
                    case ConsoleKey.U when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                        _typed.Clear();
                        break;
                    case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && _typed.Length == 0:
                        input.Ended();
                        return;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            _typed.Append(key.KeyChar);
                            changed = true;
                        }

                        break;
                }

                DrawPrompt();
            }

            if (entered is not null)
            {
                input.Line(entered);
            }
            else if (changed)
            {
                input.Keystroke();
            }
        }
    }
}
