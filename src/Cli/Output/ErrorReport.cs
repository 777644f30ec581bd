using System.Globalization;
using Atom.Cli.Calls;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using RpcStatus = Atom.Google.Rpc.Status;

namespace Atom.Cli;

/// <summary>Prints a failed call to stderr: the code and message, then the rich details a script or person can act on.</summary>
internal static class ErrorReport
{
    /// <summary>Prints an RPC error and returns the exit code for it.</summary>
    /// <param name="context">Where and how to print.</param>
    /// <param name="error">The error.</param>
    /// <param name="subject">What failed, when a command does several things (a file of several uploaded); it leads the message.</param>
    /// <returns>The exit code.</returns>
    public static int Print(CliContext context, RpcException error, string? subject = null)
    {
        var status = error.GetRpcStatus() ?? new RpcStatus { Code = (int)error.StatusCode, Message = error.Status.Detail };
        if (context.Settings.Output == OutputFormat.Json)
        {
            context.Error.WriteLine(context.Catalog.JsonFormatter.Format(status));
            return ExitCodes.For(error.StatusCode);
        }

        var detail = error.Status.Detail.Length > 0 ? error.Status.Detail : status.Message;
        var lead = subject is null ? "error: " : $"error: {subject}: ";
        context.Error.WriteLine(detail.Length > 0
            ? $"{lead}{StatusCodeNames.Of(error.StatusCode)}: {detail}"
            : $"{lead}{StatusCodeNames.Of(error.StatusCode)}");
        foreach (var any in status.Details)
        {
            PrintDetail(context, any);
        }

        if (Hint(context, error) is { } hint)
        {
            context.Error.WriteLine("hint: " + hint);
        }

        return ExitCodes.For(error.StatusCode);
    }

    /// <summary>What to do about a credential problem, when the CLI can tell: no credential at all, or a stored one that stopped working.</summary>
    private static string? Hint(CliContext context, RpcException error)
    {
        if (error.StatusCode != StatusCode.Unauthenticated)
        {
            return null;
        }

        if (error.HasReason(ErrorReason.Unauthenticated) && context.Settings.Token is null)
        {
            return "sign in with 'atom login --email EMAIL --password-stdin' or 'atom login --token-stdin', or pass --token (ATOM_TOKEN).";
        }

        var storedFailed = error.HasReason(ErrorReason.CredentialExpired) || error.HasReason(ErrorReason.CredentialRevoked)
            || error.HasReason(ErrorReason.CredentialInvalid) || error.HasReason(ErrorReason.RefreshTokenReplayed);
        return storedFailed && context.Settings.Token is null && context.Profiles.Exists(context.Settings.Server)
            ? $"the credential stored for {context.Settings.Server} no longer works: sign in again with 'atom login'."
            : null;
    }

    /// <summary>Prints a usage error.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns><see cref="ExitCodes.Usage"/>.</returns>
    public static int Usage(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return ExitCodes.Usage;
    }

    private static void PrintDetail(CliContext context, Any any)
    {
        var output = context.Error;
        if (any.TryUnpack<ErrorInfo>(out var info))
        {
            output.WriteLine($"  reason: {info.Reason} (domain: {info.Domain})");
            foreach (var (key, value) in info.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"    {key}: {value}");
            }
        }
        else if (any.TryUnpack<BadRequest>(out var badRequest))
        {
            foreach (var violation in badRequest.FieldViolations)
            {
                output.WriteLine($"  field {violation.Field}: {violation.Description}");
            }
        }
        else if (any.TryUnpack<RetryInfo>(out var retry))
        {
            var delay = retry.RetryDelay?.ToTimeSpan() ?? TimeSpan.Zero;
            output.WriteLine($"  retry after: {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
        }
        else if (any.TryUnpack<LocalizedMessage>(out var localized))
        {
            output.WriteLine($"  message ({localized.Locale}): {localized.Message}");
        }
        else if (any.TryUnpack<Help>(out var help))
        {
            foreach (var link in help.Links)
            {
                output.WriteLine($"  help: {link.Description} {link.Url}");
            }
        }
        else
        {
            // Anything else still shows, as JSON when its type is known, else by its type URL.
            string text;
            try
            {
                text = context.Catalog.JsonFormatter.Format(any);
            }
            catch (InvalidOperationException)
            {
                text = any.TypeUrl;
            }

            output.WriteLine($"  detail: {text}");
        }
    }
}
