using Atom.Google.Api;
using Atom.Server.Rpc;
using Atom.Server.Tests.Infrastructure;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests;

/// <summary>The contract conventions of ARCHITECTURE.md, checked over every atom.v1 service the server exposes.</summary>
public sealed class ContractConventionsTests(TestServer server) : IClassFixture<TestServer>
{
    private IEnumerable<MethodDescriptor> AtomMethods => server.Server.Services.GetRequiredService<RpcServiceRegistry>().Services
        .Where(s => s.File.Package == "atom.v1")
        .SelectMany(s => s.Methods);

    [Fact]
    public void The_server_exposes_atom_v1_services() => Assert.NotEmpty(AtomMethods);

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
}
