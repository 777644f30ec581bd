using System.Text;

namespace Atom.Cli.Arguments;

/// <summary>
/// Passwords and tokens come from standard input or a hidden prompt, never from arguments: arguments show in
/// the process list and the shell history.
/// </summary>
internal static class SecretInput
{
    /// <summary>Reads a secret piped into standard input: all of it, without the line break at its end.</summary>
    /// <param name="input">Standard input.</param>
    /// <param name="option">The option that asked for it, for the error.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="UsageException">Standard input was empty.</exception>
    public static async Task<string> ReadAsync(TextReader input, string option, CancellationToken cancellationToken)
    {
        var text = (await input.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        return text.Length > 0 ? text : throw new UsageException($"{option}: standard input is empty.");
    }

    /// <summary>Asks for a secret on the terminal without echoing it.</summary>
    /// <param name="prompt">The question, written to stderr.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>What was typed, or null when there is no terminal to ask at (stdin is redirected).</returns>
    public static async Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            return null;
        }

        await Console.Error.WriteAsync(prompt).ConfigureAwait(false);

        // ReadKey blocks and ignores cancellation: waiting on it from here lets Ctrl+C end the command anyway.
        var typed = await Task.Run(ReadHidden, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync().ConfigureAwait(false);
        return typed;
    }

    private static string ReadHidden()
    {
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
