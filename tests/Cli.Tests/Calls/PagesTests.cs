using Atom.Cli.Calls;
using Atom.V1;

namespace Atom.Cli.Tests.Calls;

public sealed class PagesTests
{
    [Fact]
    public async Task Every_page_is_fetched_and_merged_in_order_without_a_next_token()
    {
        var pages = new Dictionary<string, ListTenantsResponse>
        {
            [""] = new() { Tenants = { new Tenant { Name = "a" }, new Tenant { Name = "b" } }, NextPageToken = "p2" },
            ["p2"] = new() { Tenants = { new Tenant { Name = "c" } }, NextPageToken = "p3" },
            ["p3"] = new() { Tenants = { new Tenant { Name = "d" } } },
        };
        var asked = new List<string>();

        var all = await Pages.AllAsync(token =>
        {
            asked.Add(token);
            return Task.FromResult(pages[token].Clone());
        });

        Assert.Equal(["", "p2", "p3"], asked);
        Assert.Equal(["a", "b", "c", "d"], all.Tenants.Select(t => t.Name));
        Assert.Equal(string.Empty, all.NextPageToken);
    }

    [Fact]
    public async Task A_server_that_repeats_a_token_is_stopped()
    {
        var error = await Assert.ThrowsAsync<Atom.Sdk.RpcException>(() =>
            Pages.AllAsync(_ => Task.FromResult(new ListTenantsResponse { NextPageToken = "again" })));

        Assert.Contains("twice", error.Status.Detail);
    }
}
