using System.Reflection;
using Atom.Sdk;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Atom.Cli.Descriptors;

/// <summary>
/// Every service, method and message the CLI knows: the FileDescriptors compiled into Atom.Sdk and all
/// the files they import. Read at run time, so a new contract in the SDK is callable without CLI changes.
/// </summary>
internal sealed class DescriptorCatalog
{
    private static readonly Lazy<DescriptorCatalog> LazyDefault = new(() => FromAssembly(typeof(AtomChannel).Assembly));

    private DescriptorCatalog(IReadOnlyList<FileDescriptor> files)
    {
        Files = files;
        Services = files.SelectMany(f => f.Services).OrderBy(s => s.FullName, StringComparer.Ordinal).ToList();
        Messages = files.SelectMany(f => f.MessageTypes.SelectMany(Flatten)).ToDictionary(m => m.FullName, StringComparer.Ordinal);
        Enums = files.SelectMany(f => f.EnumTypes.Concat(f.MessageTypes.SelectMany(Flatten).SelectMany(m => m.EnumTypes)))
            .ToDictionary(e => e.FullName, StringComparer.Ordinal);
        TypeRegistry = TypeRegistry.FromFiles(files);
        JsonParser = new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry));
        JsonFormatter = new JsonFormatter(JsonFormatter.Settings.Default.WithTypeRegistry(TypeRegistry).WithFormatDefaultValues(true));
    }

    /// <summary>Gets the catalog of the descriptors compiled into Atom.Sdk.</summary>
    public static DescriptorCatalog Default => LazyDefault.Value;

    /// <summary>Gets every known file, dependencies included.</summary>
    public IReadOnlyList<FileDescriptor> Files { get; }

    /// <summary>Gets every known service, by full name.</summary>
    public IReadOnlyList<ServiceDescriptor> Services { get; }

    /// <summary>Gets every known message (nested ones too) by full name.</summary>
    public IReadOnlyDictionary<string, MessageDescriptor> Messages { get; }

    /// <summary>Gets every known enum by full name.</summary>
    public IReadOnlyDictionary<string, EnumDescriptor> Enums { get; }

    /// <summary>Gets a registry of every known message, for Any fields.</summary>
    public TypeRegistry TypeRegistry { get; }

    /// <summary>Gets the proto3 JSON parser (unknown fields are errors).</summary>
    public JsonParser JsonParser { get; }

    /// <summary>Gets the proto3 JSON formatter; it writes default values too, so every field shows.</summary>
    public JsonFormatter JsonFormatter { get; }

    /// <summary>Finds a method by <c>pkg.Service/Method</c>, <c>pkg.Service.Method</c> or a unique <c>Service/Method</c>.</summary>
    /// <param name="name">The name as typed.</param>
    /// <returns>The method.</returns>
    /// <exception cref="UsageException">The name matches no method or several.</exception>
    public MethodDescriptor FindMethod(string name)
    {
        var trimmed = name.Trim().TrimStart('/');
        var split = trimmed.LastIndexOf('/');
        if (split < 0)
        {
            split = trimmed.LastIndexOf('.');
        }

        if (split <= 0 || split == trimmed.Length - 1)
        {
            throw new UsageException($"'{name}' is not a method name: use SERVICE/METHOD, e.g. atom.v1.ServerService/GetServerInfo.");
        }

        var serviceName = trimmed[..split];
        var methodName = trimmed[(split + 1)..];
        var matches = Services
            .Where(s => s.FullName == serviceName || s.FullName.EndsWith("." + serviceName, StringComparison.Ordinal) || s.Name == serviceName)
            .Select(s => s.FindMethodByName(methodName))
            .OfType<MethodDescriptor>()
            .ToList();

        // A full name wins over short-name matches in other packages.
        var exact = matches.Where(m => m.Service.FullName == serviceName).ToList();
        if (exact.Count == 1)
        {
            return exact[0];
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new UsageException($"unknown method '{name}'" + Suggest(methodName) + ". 'atom describe' lists every method."),
            _ => throw new UsageException($"'{name}' is ambiguous: it matches {string.Join(", ", matches.Select(FullName))}. Use the full name."),
        };
    }

    /// <summary>Finds a service by full name or a unique short name.</summary>
    /// <param name="name">The name as typed.</param>
    /// <returns>The service, or null.</returns>
    public ServiceDescriptor? FindService(string name)
    {
        var exact = Services.FirstOrDefault(s => s.FullName == name);
        if (exact is not null)
        {
            return exact;
        }

        var shortMatches = Services.Where(s => s.Name == name || s.FullName.EndsWith("." + name, StringComparison.Ordinal)).ToList();
        return shortMatches.Count == 1 ? shortMatches[0] : null;
    }

    /// <summary>Finds a message by full name or a unique short name.</summary>
    /// <param name="name">The name as typed.</param>
    /// <returns>The message, or null.</returns>
    public MessageDescriptor? FindMessage(string name) => FindByName(Messages, name);

    /// <summary>Finds an enum by full name or a unique short name.</summary>
    /// <param name="name">The name as typed.</param>
    /// <returns>The enum, or null.</returns>
    public EnumDescriptor? FindEnum(string name) => FindByName(Enums, name);

    /// <summary>Gets a method's HTTP path, <c>/pkg.Service/Method</c>.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The full name as used on the wire and by the CLI.</returns>
    public static string FullName(MethodDescriptor method) => method.Service.FullName + "/" + method.Name;

    /// <summary>Gets the kind of a method.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The kind.</returns>
    public static MethodType KindOf(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        (true, true) => MethodType.DuplexStreaming,
    };

    /// <summary>Builds a catalog from the generated <c>XxxReflection.Descriptor</c> properties of an assembly.</summary>
    /// <param name="assembly">The assembly with generated messages.</param>
    /// <returns>The catalog.</returns>
    public static DescriptorCatalog FromAssembly(Assembly assembly)
    {
        var roots = assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed) // static classes, where protoc puts the file descriptors
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!);

        var files = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>(roots);
        while (pending.TryPop(out var file))
        {
            if (files.TryAdd(file.Name, file))
            {
                foreach (var dependency in file.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }

        return new DescriptorCatalog(files.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList());
    }

    private static IEnumerable<MessageDescriptor> Flatten(MessageDescriptor message) =>
        message.GetOptions()?.MapEntry == true ? [] : message.NestedTypes.SelectMany(Flatten).Prepend(message);

    private static T? FindByName<T>(IReadOnlyDictionary<string, T> byFullName, string name)
        where T : class
    {
        if (byFullName.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var matches = byFullName.Where(p => p.Key.EndsWith("." + name, StringComparison.Ordinal)).Select(p => p.Value).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    private string Suggest(string methodName)
    {
        var similar = Services.SelectMany(s => s.Methods)
            .Where(m => m.Name.Equals(methodName, StringComparison.OrdinalIgnoreCase))
            .Select(FullName)
            .ToList();
        return similar.Count == 0 ? string.Empty : $" (did you mean {string.Join(" or ", similar)}?)";
    }
}
