using System.CommandLine;
using System.Text.Json;
using Atom.Cli.Descriptors;
using Atom.Google.Api;
using Google.Protobuf.Reflection;
using Spectre.Console;
using ProtoFieldType = Google.Protobuf.Reflection.FieldType;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom describe [NAME]</c>: the services and methods the CLI can call, one service, one method, or a
/// message's or enum's fields, all read from the descriptors compiled into the SDK (no server needed).
/// </summary>
internal static class DescribeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string?>("name")
        {
            Description = "A service, method, message or enum (full name or a unique short name); none lists every service",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("describe", "List services and methods, or describe one service, method, message or enum") { name };
        command.SetAction((result, token) => runner.RunAsync(result, context =>
        {
            var json = context.Settings.Output == OutputFormat.Json;
            var target = result.GetValue(name);
            var catalog = context.Catalog;
            if (string.IsNullOrWhiteSpace(target))
            {
                Print(context, json, w => WriteServices(w, catalog.Services), () => RenderServices(context.Console, catalog.Services));
            }
            else if (catalog.FindService(target) is { } service)
            {
                Print(context, json, w => WriteServices(w, [service]), () => RenderServices(context.Console, [service]));
            }
            else if (catalog.FindMessage(target) is { } message)
            {
                Print(context, json, w => WriteMessage(w, message), () => RenderMessage(context.Console, message));
            }
            else if (catalog.FindEnum(target) is { } enumType)
            {
                Print(context, json, w => WriteEnum(w, enumType), () => RenderEnum(context.Console, enumType));
            }
            else if (target.Contains('/', StringComparison.Ordinal) || target.Contains('.', StringComparison.Ordinal))
            {
                var method = catalog.FindMethod(target);
                Print(context, json, w => WriteMethod(w, method), () => RenderMethods(context.Console, method.Service, [method]));
            }
            else
            {
                throw new UsageException($"'{target}' is not a known service, method, message or enum. 'atom describe' lists the services.");
            }

            return Task.FromResult(ExitCodes.Success);
        }, token));
        return command;
    }

    private static void Print(CliContext context, bool json, Action<Utf8JsonWriter> write, Action render)
    {
        if (json)
        {
            context.Out.WriteLine(JsonText.Write(write, indented: false));
        }
        else
        {
            render();
        }
    }

    private static string Kind(MethodDescriptor method) => DescriptorCatalog.KindOf(method) switch
    {
        Atom.Sdk.MethodType.Unary => "unary",
        Atom.Sdk.MethodType.ServerStreaming => "server-streaming",
        Atom.Sdk.MethodType.ClientStreaming => "client-streaming",
        _ => "duplex-streaming",
    };

    private static IEnumerable<(string Verb, string Path, string Body)> HttpBindings(MethodDescriptor method)
    {
        var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        if (rule is null)
        {
            yield break;
        }

        foreach (var binding in rule.AdditionalBindings.Prepend(rule))
        {
            var (verb, path) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("GET", binding.Get),
                HttpRule.PatternOneofCase.Put => ("PUT", binding.Put),
                HttpRule.PatternOneofCase.Post => ("POST", binding.Post),
                HttpRule.PatternOneofCase.Delete => ("DELETE", binding.Delete),
                HttpRule.PatternOneofCase.Patch => ("PATCH", binding.Patch),
                HttpRule.PatternOneofCase.Custom => (binding.Custom.Kind, binding.Custom.Path),
                _ => (string.Empty, string.Empty),
            };
            if (verb.Length > 0)
            {
                yield return (verb, path, binding.Body);
            }
        }
    }

    private static string FieldType(FieldDescriptor field) => field.FieldType switch
    {
        ProtoFieldType.Message when field.IsMap =>
            $"map<{FieldType(field.MessageType.FindFieldByNumber(1))}, {FieldType(field.MessageType.FindFieldByNumber(2))}>",
        ProtoFieldType.Message or ProtoFieldType.Group => field.MessageType.FullName,
        ProtoFieldType.Enum => field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    private static string Label(FieldDescriptor field) =>
        field.IsMap ? "map"
        : field.IsRepeated ? "repeated"
        : field.HasPresence && field.RealContainingOneof is null && field.FieldType != ProtoFieldType.Message ? "optional"
        : "singular";

    // ---- tables, for people

    private static void RenderServices(IAnsiConsole console, IReadOnlyList<ServiceDescriptor> services)
    {
        foreach (var service in services)
        {
            RenderMethods(console, service, service.Methods);
        }
    }

    private static void RenderMethods(IAnsiConsole console, ServiceDescriptor service, IEnumerable<MethodDescriptor> methods)
    {
        console.MarkupLine($"[bold]{Markup.Escape(service.FullName)}[/] [grey]({Markup.Escape(service.File.Name)})[/]");
        var table = new Table().AddColumns("Method", "Kind", "Request → Response", "HTTP");
        foreach (var method in methods)
        {
            var http = string.Join("\n", HttpBindings(method).Select(b => b.Body.Length > 0 ? $"{b.Verb} {b.Path} (body: {b.Body})" : $"{b.Verb} {b.Path}"));
            table.AddRow(
                Markup.Escape(method.Name),
                Kind(method),
                Markup.Escape($"{method.InputType.FullName} → {method.OutputType.FullName}"),
                http.Length > 0 ? Markup.Escape(http) : "[grey]-[/]");
        }

        console.Write(table);
        console.WriteLine();
    }

    private static void RenderMessage(IAnsiConsole console, MessageDescriptor message)
    {
        console.MarkupLine($"[bold]message {Markup.Escape(message.FullName)}[/] [grey]({Markup.Escape(message.File.Name)})[/]");
        var table = new Table().AddColumns("Field", "Type", "Number", "Label", "JSON name");
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            var label = Label(field);
            if (field.RealContainingOneof is { } oneof)
            {
                label = $"oneof {oneof.Name}";
            }

            table.AddRow(
                Markup.Escape(field.Name),
                Markup.Escape(FieldType(field)),
                field.FieldNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(label),
                Markup.Escape(field.JsonName));
        }

        console.Write(table);
    }

    private static void RenderEnum(IAnsiConsole console, EnumDescriptor enumType)
    {
        console.MarkupLine($"[bold]enum {Markup.Escape(enumType.FullName)}[/] [grey]({Markup.Escape(enumType.File.Name)})[/]");
        var table = new Table().AddColumns("Value", "Number");
        foreach (var value in enumType.Values)
        {
            table.AddRow(Markup.Escape(value.Name), value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    // ---- JSON, for scripts: the same facts, with stable property names

    private static void WriteServices(Utf8JsonWriter writer, IEnumerable<ServiceDescriptor> services)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("services");
        foreach (var service in services)
        {
            writer.WriteStartObject();
            writer.WriteString("name", service.FullName);
            writer.WriteString("file", service.File.Name);
            writer.WriteStartArray("methods");
            foreach (var method in service.Methods)
            {
                WriteMethod(writer, method);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMethod(Utf8JsonWriter writer, MethodDescriptor method)
    {
        writer.WriteStartObject();
        writer.WriteString("name", method.Name);
        writer.WriteString("fullName", DescriptorCatalog.FullName(method));
        writer.WriteString("kind", Kind(method));
        writer.WriteString("requestType", method.InputType.FullName);
        writer.WriteString("responseType", method.OutputType.FullName);
        writer.WriteStartArray("http");
        foreach (var (verb, path, body) in HttpBindings(method))
        {
            writer.WriteStartObject();
            writer.WriteString("method", verb);
            writer.WriteString("path", path);
            if (body.Length > 0)
            {
                writer.WriteString("body", body);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, MessageDescriptor message)
    {
        writer.WriteStartObject();
        writer.WriteString("message", message.FullName);
        writer.WriteString("file", message.File.Name);
        writer.WriteStartArray("fields");
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            writer.WriteStartObject();
            writer.WriteString("name", field.Name);
            writer.WriteString("jsonName", field.JsonName);
            writer.WriteNumber("number", field.FieldNumber);
            writer.WriteString("type", FieldType(field));
            writer.WriteString("label", Label(field));
            if (field.RealContainingOneof is { } oneof)
            {
                writer.WriteString("oneof", oneof.Name);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteEnum(Utf8JsonWriter writer, EnumDescriptor enumType)
    {
        writer.WriteStartObject();
        writer.WriteString("enum", enumType.FullName);
        writer.WriteString("file", enumType.File.Name);
        writer.WriteStartArray("values");
        foreach (var value in enumType.Values)
        {
            writer.WriteStartObject();
            writer.WriteString("name", value.Name);
            writer.WriteNumber("number", value.Number);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
