using System.Text;
using Google.Protobuf.Reflection;

namespace Atom.Codegen.Internal;

/// <summary>
/// The C# names protoc's own C# generator gives to proto elements, so that generated clients and
/// bases refer to the message classes protoc made.
/// </summary>
internal sealed class CSharpNames(ServiceDescriptor service)
{
    public string Namespace { get; } = NamespaceOf(service.File);

    public string MethodTable => service.Name + "Rpc";

    public string Client => service.Name + "Client";

    public string Base => service.Name + "Base";

    /// <summary>The reflection class protoc generates for the service's file, which holds its descriptor.</summary>
    public string ReflectionClass => $"global::{Namespace}.{PascalCase(Path.GetFileNameWithoutExtension(service.File.Name))}Reflection";

    public string OutputPath(string fileName) => string.Join('/', Namespace.Split('.')) + "/" + fileName;

    public static string TypeName(MessageDescriptor message)
    {
        var nested = new Stack<string>();
        for (var m = message; m is not null; m = m.ContainingType)
        {
            nested.Push(m.Name);
        }

        var builder = new StringBuilder("global::").Append(NamespaceOf(message.File));
        var first = true;
        foreach (var name in nested)
        {
            // protoc puts nested messages in a "Types" class inside their parent.
            builder.Append(first ? "." : ".Types.").Append(name);
            first = false;
        }

        return builder.ToString();
    }

    private static string NamespaceOf(FileDescriptor file)
    {
        var option = file.GetOptions()?.CsharpNamespace;
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }

        return string.Join('.', file.Package.Split('.').Select(PascalCase));
    }

    /// <summary>protoc's UnderscoresToPascalCase: non-alphanumerics split words, each word is capitalised.</summary>
    internal static string PascalCase(string input)
    {
        var builder = new StringBuilder(input.Length);
        var capitalizeNext = true;
        foreach (var c in input)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                capitalizeNext = true;
                continue;
            }

            builder.Append(capitalizeNext ? char.ToUpperInvariant(c) : c);
            capitalizeNext = char.IsAsciiDigit(c);
        }

        return builder.ToString();
    }
}
