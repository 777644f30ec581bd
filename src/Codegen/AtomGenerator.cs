using Atom.Codegen.Internal;
using Google.Protobuf;
using Google.Protobuf.Compiler;
using Google.Protobuf.Reflection;

namespace Atom.Codegen;

/// <summary>
/// Turns a protoc <see cref="CodeGeneratorRequest"/> into C# sources: for every service, the method
/// table and typed client (option <c>client</c>) and the abstract server base (option <c>server</c>).
/// </summary>
public static class AtomGenerator
{
    /// <summary>Generates the files for every proto file protoc asked for.</summary>
    /// <param name="request">The request protoc sent.</param>
    /// <returns>The generated files, or an error naming the bad option.</returns>
    public static CodeGeneratorResponse Generate(CodeGeneratorRequest request)
    {
        var response = new CodeGeneratorResponse
        {
            SupportedFeatures = (ulong)CodeGeneratorResponse.Types.Feature.Proto3Optional,
        };

        if (!GeneratorOptions.TryParse(request.Parameter, out var options, out var error))
        {
            response.Error = error;
            return response;
        }

        var files = FileDescriptor.BuildFromByteStrings(request.ProtoFile.Select(f => f.ToByteString()));
        var byName = files.ToDictionary(f => f.Name);
        foreach (var name in request.FileToGenerate)
        {
            var file = byName[name];
            foreach (var service in file.Services)
            {
                var names = new CSharpNames(service);
                if (options.Client)
                {
                    response.File.Add(new CodeGeneratorResponse.Types.File
                    {
                        Name = names.OutputPath(service.Name + "Client.g.cs"),
                        Content = ClientGenerator.Generate(service, names),
                    });
                }

                if (options.Server)
                {
                    response.File.Add(new CodeGeneratorResponse.Types.File
                    {
                        Name = names.OutputPath(service.Name + "Base.g.cs"),
                        Content = ServerGenerator.Generate(service, names),
                    });
                }
            }
        }

        return response;
    }
}
