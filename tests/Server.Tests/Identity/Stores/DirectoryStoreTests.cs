using Atom.Server.Identity;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Stores;

/// <summary>Tenants, groups, service accounts, idempotent replies and the audit log.</summary>
public sealed class DirectoryStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Tenants_have_unique_names_and_list_across_the_platform(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.Tenants.CreateAsync("ALPHA", "Again"));
        Assert.Equal(context.A.Id, (await context.Tenants.FindByNameAsync("Alpha"))!.Id);
        Assert.Equal(context.A, await context.Tenants.GetAsync(context.A.Id));
        Assert.True(await context.Tenants.AnyAsync());

        var first = await context.Tenants.ListAsync(new PageRequest(1));
        var second = await context.Tenants.ListAsync(new PageRequest(1, first.NextPageToken));
        Assert.Equal([context.A.Id, context.B.Id], first.Items.Concat(second.Items).Select(x => x.Id));
        Assert.Empty(second.NextPageToken);

        Assert.True(await context.Tenants.DisableAsync(context.B.Id));
        Assert.True((await context.Tenants.GetAsync(context.B.Id))!.IsDisabled);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Groups_hold_members_of_their_tenant(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var joe = await context.CreateUserAsync(context.A, "joe@example.com");
        var ops = await context.Groups.CreateAsync(context.A.Id, "ops", "Operations");
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.Groups.CreateAsync(context.A.Id, "OPS", "Again"));

        await context.Groups.AddMemberAsync(context.A.Id, ops.Id, jane.Id);
        await context.Groups.AddMemberAsync(context.A.Id, ops.Id, jane.Id); // twice: once
        var both = await context.Groups.AddMemberAsync(context.A.Id, ops.Id, joe.Id);
        Assert.Equal(new[] { jane.Id, joe.Id }.Order(StringComparer.Ordinal), both!.MemberIds);
        Assert.Null(await context.Groups.AddMemberAsync(context.A.Id, ops.Id, "no-such-user"));
        Assert.Equal([ops.Id], await context.Groups.GroupIdsOfAsync(context.A.Id, jane.Id));

        Assert.Equal([joe.Id], (await context.Groups.RemoveMemberAsync(context.A.Id, ops.Id, jane.Id))!.MemberIds);
        Assert.Empty(await context.Groups.GroupIdsOfAsync(context.A.Id, jane.Id));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Service_accounts_have_roles_and_can_be_disabled(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var bot = await context.ServiceAccounts.CreateAsync(context.A.Id, "ci-bot", "CI", [Role.Member]);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.ServiceAccounts.CreateAsync(context.A.Id, "CI-BOT", "CI", []));
        Assert.Equal([Role.Member], bot.Roles);
        Assert.Equal([Role.Auditor], (await context.ServiceAccounts.SetRolesAsync(context.A.Id, bot.Id, [Role.Auditor]))!.Roles);
        Assert.True(await context.ServiceAccounts.DisableAsync(context.A.Id, bot.Id));
        Assert.True((await context.ServiceAccounts.GetAsync(context.A.Id, bot.Id))!.IsDisabled);
        Assert.Single((await context.ServiceAccounts.ListAsync(context.A.Id, PageRequest.First)).Items);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Idempotent_replies_are_kept_per_tenant_principal_request_and_method(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        const string Method = "/atom.v1.IdentityService/CreateUser";
        Assert.Null(await context.Idempotency.FindAsync(context.A.Id, "p1", "r1", Method));

        Assert.Equal([1, 2, 3], await context.Idempotency.SaveAsync(context.A.Id, "p1", "r1", Method, [1, 2, 3]));
        Assert.Equal([1, 2, 3], await context.Idempotency.SaveAsync(context.A.Id, "p1", "r1", Method, [9])); // first reply wins
        Assert.Equal([1, 2, 3], await context.Idempotency.FindAsync(context.A.Id, "p1", "r1", Method));
        Assert.Null(await context.Idempotency.FindAsync(context.A.Id, "p2", "r1", Method));
        Assert.Null(await context.Idempotency.FindAsync(context.A.Id, "p1", "r1", "/other"));
        Assert.Null(await context.Idempotency.FindAsync(context.B.Id, "p1", "r1", Method));

        context.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await context.Idempotency.DeleteOlderThanAsync(context.Clock.Now.AddDays(-1)));
        Assert.Null(await context.Idempotency.FindAsync(context.A.Id, "p1", "r1", Method));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_audit_log_records_events_per_tenant(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        await context.Audit.AppendAsync(new AuditEvent(context.A.Id, "u1", AuditActions.SignInFailed, "jane@example.com", "10.0.0.1", new Dictionary<string, string> { ["reason"] = "bad_password" }));
        await context.Audit.AppendAsync(new AuditEvent(context.B.Id, "system", AuditActions.ApiKeyCreated, "k1"));
        await context.Audit.AppendAsync(new AuditEvent("*", "anonymous", AuditActions.SignInFailed, "nobody@nowhere", Detail: new Dictionary<string, string> { ["reason"] = "unknown_tenant" }));

        var events = (await context.Audit.ListAsync(context.A.Id, PageRequest.First)).Items;
        var recorded = Assert.Single(events);
        Assert.Equal(("u1", "auth.sign_in.failed", "jane@example.com", "10.0.0.1"), (recorded.Event.Actor, recorded.Event.Action, recorded.Event.Target, recorded.Event.Address));
        Assert.Equal("bad_password", recorded.Event.Detail!["reason"]);
        Assert.Equal(context.Clock.Now, recorded.OccurredAt);
        Assert.Single((await context.Audit.ListAsync("*", PageRequest.First)).Items);
    }
}
