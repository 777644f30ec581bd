using Atom.Codegen;
using Google.Protobuf;
using Google.Protobuf.Compiler;

// protoc hands a plugin one CodeGeneratorRequest on stdin and reads one CodeGeneratorResponse from stdout.
using var stdin = Console.OpenStandardInput();
var request = CodeGeneratorRequest.Parser.ParseFrom(stdin);
var response = AtomGenerator.Generate(request);
using var stdout = Console.OpenStandardOutput();
response.WriteTo(stdout);
