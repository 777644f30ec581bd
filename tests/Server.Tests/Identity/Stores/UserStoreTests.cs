using Atom.Server.Identity;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Stores;

public sealed class UserStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_user_round_trips_with_roles_and_without_secrets(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var created = await context.Users.CreateAsync(context.A.Id, new NewUser("Jane@Example.com", "Jane", [Role.Owner, Role.Member, Role.Owner], "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", PlatformAdmin: true));

        var read = await context.Users.GetAsync(context.A.Id, created.Id);

        Assert.NotNull(read);
        Assert.Equal(created, read with { Roles = created.Roles });
        Assert.Equal([Role.Member, Role.Owner], read!.Roles);
        Assert.True(read.PlatformAdmin);
        Assert.True(read.HasPassword);
        Assert.False(read.MfaEnabled);
        Assert.Equal(context.Clock.Now, read.CreatedAt);
        Assert.Equal("pbkdf2-sha256$1$c2FsdA==$aGFzaA==", (await context.Users.GetCredentialsAsync(context.A.Id, created.Id))!.PasswordHash);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Email_is_unique_per_tenant_case_insensitively(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");

        var duplicate = await Assert.ThrowsAsync<AlreadyExistsException>(() => context.CreateUserAsync(context.A, "JANE@Example.COM"));
        Assert.Equal(("user", "email"), (duplicate.Resource, duplicate.Field));
        await context.CreateUserAsync(context.B, "JANE@example.com"); // another tenant: fine

        Assert.Equal(jane.Id, (await context.Users.FindByEmailAsync(context.A.Id, "JaNe@EXAMPLE.com"))!.Id);
        var joe = await context.CreateUserAsync(context.A, "joe@example.com");
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.Users.UpdateAsync(context.A.Id, joe.Id, "Jane@example.com", null));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Update_roles_password_and_disable(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        context.Clock.Advance(TimeSpan.FromMinutes(1));

        var updated = await context.Users.UpdateAsync(context.A.Id, jane.Id, null, "Jane Doe");
        Assert.Equal(("jane@example.com", "Jane Doe"), (updated!.Email, updated.DisplayName));
        Assert.Equal(context.Clock.Now, updated.UpdatedAt);

        Assert.Equal([Role.Auditor, Role.Admin], (await context.Users.SetRolesAsync(context.A.Id, jane.Id, [Role.Admin, Role.Auditor]))!.Roles);
        Assert.Empty((await context.Users.SetRolesAsync(context.A.Id, jane.Id, []))!.Roles);
        Assert.True(await context.Users.SetPasswordHashAsync(context.A.Id, jane.Id, "h"));
        Assert.True((await context.Users.GetAsync(context.A.Id, jane.Id))!.HasPassword);

        Assert.True(await context.Users.DisableAsync(context.A.Id, jane.Id));
        Assert.False(await context.Users.DisableAsync(context.A.Id, jane.Id));
        Assert.True((await context.Users.GetAsync(context.A.Id, jane.Id))!.IsDisabled);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Lists_page_by_keyset_in_id_order(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await context.CreateUserAsync(context.A, $"user{i}@example.com")).Id);
        }

        await context.CreateUserAsync(context.B, "other@example.com");
        await context.Users.DisableAsync(context.A.Id, created[3]);
        var disabled = created[3];

        // Ids are UUIDv7: time-ordered to the millisecond, random within one, so the list order is id order.
        created.Sort(StringComparer.Ordinal);

        var seen = new List<string>();
        var page = await context.Users.ListAsync(context.A.Id, new PageRequest(3));
        var pages = 1;
        seen.AddRange(page.Items.Select(u => u.Id));
        while (page.NextPageToken.Length > 0)
        {
            page = await context.Users.ListAsync(context.A.Id, new PageRequest(3, page.NextPageToken));
            seen.AddRange(page.Items.Select(u => u.Id));
            pages++;
        }

        Assert.Equal(created.Where(id => id != disabled), seen);
        Assert.Equal(2, pages);

        var all = await context.Users.ListAsync(context.A.Id, new PageRequest(100), includeDisabled: true);
        Assert.Equal(created, all.Items.Select(u => u.Id));
        Assert.Empty(all.NextPageToken);

        // A token belongs to its list and filters.
        var first = await context.Users.ListAsync(context.A.Id, new PageRequest(2));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => context.Users.ListAsync(context.A.Id, new PageRequest(2, first.NextPageToken), includeDisabled: true));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => context.Groups.ListAsync(context.A.Id, new PageRequest(2, first.NextPageToken)));
        var bad = await Assert.ThrowsAsync<InvalidPageTokenException>(() => context.Users.ListAsync(context.A.Id, new PageRequest(2, "garbage!")));
        Assert.Equal("page_token", bad.ParamName);
    }
}
