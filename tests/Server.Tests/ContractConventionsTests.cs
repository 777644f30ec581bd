using System.Reflection;
using Atom.Google.Api;
using Atom.V1;
using Google.Protobuf.Reflection;

namespace Atom.Server.Tests;

/// <summary>
/// The contract conventions of ARCHITECTURE.md, checked over every atom.v1 service in the SDK, whether
/// or not the server implements it yet.
/// </summary>
public sealed class ContractConventionsTests
{
    private static IEnumerable<MethodDescriptor> AtomMethods => typeof(ServerServiceClient).Assembly.GetTypes()
        .Where(t => t.Namespace == "Atom.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => (FileDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
        .Where(f => f.Package == "atom.v1")
        .SelectMany(f => f.Services)
        .SelectMany(s => s.Methods);

    [Fact]
    public void The_sdk_carries_atom_v1_services() =>
        Assert.Contains(AtomMethods, m => m.FullName == "atom.v1.AuthService.SignIn");

    [Fact]
    public void Every_rpc_has_its_own_request_and_response_messages()
    {
        var offenders = AtomMethods
            .Where(m => m.InputType.Name != m.Name + "Request" || m.OutputType.Name != m.Name + "Response")
            .Select(m => m.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, "Methods not following XRequest/XResponse: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Every_rpc_that_does_not_stream_from_the_client_has_an_http_rule()
    {
        var offenders = AtomMethods
            .Where(m => !m.IsClientStreaming && m.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is null)
            .Select(m => m.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, "Methods without a google.api.http rule: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Every_rpc_declares_who_may_call_it()
    {
        var offenders = AtomMethods
            .Where(m => m.GetOptions()?.GetExtension(AccessExtensions.Access) is null)
            .Select(m => m.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, "Methods without an (atom.v1.access) rule: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Only_health_and_signing_in_are_anonymous()
    {
        var anonymous = AtomMethods
            .Where(m => m.GetOptions()?.GetExtension(AccessExtensions.Access)?.Anonymous == true)
            .Select(m => m.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["atom.v1.AuthService.RefreshToken", "atom.v1.AuthService.SignIn"], anonymous);
    }
}
