namespace Atom.Codegen.Internal;

/// <summary>The plugin parameter: a comma-separated list of <c>client</c> and <c>server</c>.</summary>
internal sealed record GeneratorOptions(bool Client, bool Server)
{
    public static bool TryParse(string? parameter, out GeneratorOptions options, out string error)
    {
        options = new GeneratorOptions(false, false);
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(parameter))
        {
            error = "protoc-gen-atom needs a parameter: client, server or client,server (e.g. --atom_out=client:DIR).";
            return false;
        }

        foreach (var part in parameter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part)
            {
                case "client": options = options with { Client = true }; break;
                case "server": options = options with { Server = true }; break;
                default:
                    error = $"protoc-gen-atom: unknown option '{part}'; expected client or server.";
                    return false;
            }
        }

        return true;
    }
}
