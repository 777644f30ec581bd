using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Atom.Server.Rpc.Reflection.Internal;

/// <summary>
/// Every file behind the exposed services (and the files they import), indexed by file name, by symbol and
/// by extension, for server reflection. Built once: the services are fixed at start-up.
/// </summary>
internal sealed class DescriptorIndex
{
    private readonly FrozenDictionary<string, FileDescriptor> _files;
    private readonly FrozenDictionary<string, FileDescriptor> _symbols;
    private readonly FrozenDictionary<string, MessageDescriptor> _messages;
    private readonly FrozenDictionary<(string Extendee, int Number), FieldDescriptor> _extensions;

    public DescriptorIndex(IEnumerable<ServiceDescriptor> services)
    {
        var exposed = services.ToList();
        ServiceNames = [.. exposed.Select(s => s.FullName)];

        var files = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        foreach (var service in exposed)
        {
            AddWithDependencies(service.File, files);
        }

        var symbols = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        var messages = new Dictionary<string, MessageDescriptor>(StringComparer.Ordinal);
        var extensions = new Dictionary<(string, int), FieldDescriptor>();
        foreach (var file in files.Values)
        {
            foreach (var service in file.Services)
            {
                symbols.TryAdd(service.FullName, file);
                foreach (var method in service.Methods)
                {
                    symbols.TryAdd(method.FullName, file);
                }
            }

            foreach (var message in file.MessageTypes)
            {
                AddMessage(message, file, symbols, messages, extensions);
            }

            foreach (var enumType in file.EnumTypes)
            {
                AddEnum(enumType, file.Package, file, symbols);
            }

            AddExtensions(file.Extensions.UnorderedExtensions, file, symbols, extensions);
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
        _symbols = symbols.ToFrozenDictionary(StringComparer.Ordinal);
        _messages = messages.ToFrozenDictionary(StringComparer.Ordinal);
        _extensions = extensions.ToFrozenDictionary();
    }

    /// <summary>Gets the exposed services' names, in the registry's order.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    public FieldDescriptor? FindExtension(string extendee, int number) => _extensions.GetValueOrDefault((extendee.TrimStart('.'), number));

    public MessageDescriptor? FindMessage(string name) => _messages.GetValueOrDefault(name.TrimStart('.'));

    /// <summary>The field numbers of the known extensions of a message type, ascending.</summary>
    public IReadOnlyList<int> ExtensionNumbersOf(MessageDescriptor message) =>
        [.. _extensions.Keys.Where(k => k.Extendee == message.FullName).Select(k => k.Number).Order()];

    /// <summary>A file and everything it imports, transitively; the file itself first, each file once.</summary>
    public static IReadOnlyList<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var ordered = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        AddWithDependencies(file, ordered);
        return [.. ordered.Values];
    }

    private static void AddWithDependencies(FileDescriptor root, Dictionary<string, FileDescriptor> files)
    {
        // Iterative, so deep import chains cannot overflow the stack.
        var pending = new Stack<FileDescriptor>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var file = pending.Pop();
            if (!files.TryAdd(file.Name, file))
            {
                continue;
            }

            for (var i = file.Dependencies.Count - 1; i >= 0; i--)
            {
                pending.Push(file.Dependencies[i]);
            }
        }
    }

    private static void AddMessage(MessageDescriptor message, FileDescriptor file, Dictionary<string, FileDescriptor> symbols, Dictionary<string, MessageDescriptor> messages, Dictionary<(string, int), FieldDescriptor> extensions)
    {
        symbols.TryAdd(message.FullName, file);
        messages.TryAdd(message.FullName, message);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            symbols.TryAdd(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            symbols.TryAdd(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file, symbols, messages, extensions);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(enumType, message.FullName, file, symbols);
        }

        AddExtensions(message.Extensions.UnorderedExtensions, file, symbols, extensions);
    }

    private static void AddEnum(EnumDescriptor enumType, string scope, FileDescriptor file, Dictionary<string, FileDescriptor> symbols)
    {
        symbols.TryAdd(enumType.FullName, file);
        foreach (var value in enumType.Values)
        {
            // protoc scopes enum values beside their enum ("pkg.VALUE"); Google.Protobuf's C# names them inside it ("pkg.Enum.VALUE"). Both resolve.
            symbols.TryAdd(value.FullName, file);
            symbols.TryAdd(scope.Length == 0 ? value.Name : $"{scope}.{value.Name}", file);
        }
    }

    private static void AddExtensions(IList<FieldDescriptor> fields, FileDescriptor file, Dictionary<string, FileDescriptor> symbols, Dictionary<(string, int), FieldDescriptor> extensions)
    {
        foreach (var extension in fields)
        {
            symbols.TryAdd(extension.FullName, file);
            extensions.TryAdd((extension.ExtendeeType.FullName, extension.FieldNumber), extension);
        }
    }
}
