using System.Globalization;
using Atom.Google.Rpc;
using Atom.Sdk;
using Google.Protobuf.WellKnownTypes;
using RpcStatus = Atom.Google.Rpc.Status;

namespace Atom.Cli;

/// <summary>Prints a failed call to stderr: the code and message, then the rich details a script or person can act on.</summary>
internal static class ErrorReport
{
    /// <summary>Prints an RPC error and returns the exit code for it.</summary>
    /// <param name="context">Where and how to print.</param>
    /// <param name="error">The error.</param>
    /// <returns>The exit code.</returns>
    public static int Print(CliContext context, RpcException error)
    {
        var status = error.GetRpcStatus() ?? new RpcStatus { Code = (int)error.StatusCode, Message = error.Status.Detail };
        if (context.Settings.Output == OutputFormat.Json)
        {
            context.Error.WriteLine(context.Catalog.JsonFormatter.Format(status));
            return ExitCodes.For(error.StatusCode);
        }

        var detail = error.Status.Detail.Length > 0 ? error.Status.Detail : status.Message;
        context.Error.WriteLine(detail.Length > 0
            ? $"error: {StatusCodeNames.Of(error.StatusCode)}: {detail}"
            : $"error: {StatusCodeNames.Of(error.StatusCode)}");
        foreach (var any in status.Details)
        {
            PrintDetail(context, any);
        }

        return ExitCodes.For(error.StatusCode);
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
