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

    [Fact]
    public async Task Up_to_n_items_asks_each_page_for_what_is_still_wanted_and_says_whether_more_remain()
    {
        var pages = new Dictionary<string, ListTenantsResponse>
        {
            [""] = new() { Tenants = { new Tenant { Name = "a" }, new Tenant { Name = "b" } }, NextPageToken = "p2" },
            ["p2"] = new() { Tenants = { new Tenant { Name = "c" } }, NextPageToken = "p3" },
            ["p3"] = new() { Tenants = { new Tenant { Name = "d" } } },
        };
        var asked = new List<(string Token, int Size)>();
        Task<ListTenantsResponse> Fetch(string token, int size)
        {
            asked.Add((token, size));
            return Task.FromResult(pages[token].Clone());
        }

        var three = await Pages.UpToAsync(3, Fetch, r => r.Tenants.Count);
        asked.Clear();
        var ten = await Pages.UpToAsync(10, Fetch, r => r.Tenants.Count);

        Assert.Equal(["a", "b", "c"], three.Tenants.Select(t => t.Name));
        Assert.Equal("p3", three.NextPageToken);
        Assert.Equal([("", 10), ("p2", 8), ("p3", 7)], asked);
        Assert.Equal(["a", "b", "c", "d"], ten.Tenants.Select(t => t.Name));
        Assert.Equal(string.Empty, ten.NextPageToken);
    }
}
