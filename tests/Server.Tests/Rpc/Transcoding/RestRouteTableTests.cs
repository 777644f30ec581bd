using Atom.Google.Api;
using Atom.Server.Rpc;
using Atom.Server.Rpc.Internal.Transcoding;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Rpc.Transcoding;

public sealed class RestRouteTableTests(TestServer server) : IClassFixture<TestServer>
{
    private Atom.Server.Rpc.Internal.ServerMethod Echo =>
        server.Server.Services.GetRequiredService<RpcServiceRegistry>().ServerMethods.Single(m => m.Method.FullName == "/atomtest.v1.EchoService/Echo");

    [Fact]
    public void A_bad_template_stops_start_up_naming_the_method()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RestRouteTable.FromRule(Echo, new HttpRule { Get = "/v1/{message" }));

        Assert.Contains("/atomtest.v1.EchoService/Echo", error.Message, StringComparison.Ordinal);
        Assert.Contains("not closed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/{nope}", "", "has no field 'nope'")]
    [InlineData("/v1/{labels}", "", "singular scalar")]
    [InlineData("/v1/{item}", "", "singular scalar")]
    [InlineData("/v1/{labels.x}", "", "not a singular message field")]
    [InlineData("/v1/x", "nope", "has no field 'nope'")]
    public void Rules_naming_missing_or_unsuitable_fields_are_rejected(string path, string body, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RestRouteTable.FromRule(Echo, new HttpRule { Post = path, Body = body }));

        Assert.Contains("/atomtest.v1.EchoService/Echo", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_routes_win_over_variables_and_other_methods_give_405()
    {
        var routes = RestRouteTable.FromRule(Echo, new HttpRule { Get = "/v1/things/{message}", AdditionalBindings = { new HttpRule { Get = "/v1/things/special" }, new HttpRule { Post = "/v1/things/{message}:go", Body = "*" } } });
        var table = new RestRouteTable(routes);

        Assert.Equal(RestMatch.Found, table.Match("GET", "/v1/things/special", out var route, out var values, out _));
        Assert.Equal("/v1/things/special", route!.Template.Text);
        Assert.Empty(values);

        Assert.Equal(RestMatch.Found, table.Match("GET", "/v1/things/a%3Ab", out route, out values, out _));
        Assert.Equal("/v1/things/{message}", route!.Template.Text);
        Assert.Equal("a:b", values[0]);

        Assert.Equal(RestMatch.Found, table.Match("POST", "/v1/things/t1:go", out route, out values, out _));
        Assert.Equal("t1", values[0]);

        Assert.Equal(RestMatch.MethodNotAllowed, table.Match("DELETE", "/v1/things/x", out _, out _, out var allowed));
        Assert.Equal(["GET"], allowed);
        Assert.Equal(RestMatch.None, table.Match("GET", "/v2/things/x", out _, out _, out _));
        Assert.Equal(RestMatch.None, table.Match("GET", "/v1/things/x/y", out _, out _, out _));
    }
}
