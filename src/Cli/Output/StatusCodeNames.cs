using System.Text;
using Atom.Sdk;

namespace Atom.Cli;

/// <summary>Status codes as gRPC spells them: <c>DEADLINE_EXCEEDED</c>, not <c>DeadlineExceeded</c>.</summary>
internal static class StatusCodeNames
{
    public static string Of(StatusCode code)
    {
        var name = code.ToString();
        if (code == StatusCode.OK || !Enum.IsDefined(code))
        {
            return code == StatusCode.OK ? "OK" : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
