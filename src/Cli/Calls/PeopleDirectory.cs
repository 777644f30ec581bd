using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Calls;

/// <summary>
/// The users of the caller's tenant, as far as the CLI needs them: an email typed where a user id is expected is
/// looked up here, and ids in chat output are shown as names. The directory (UserService.ListUsers) is read once,
/// on first need; an id it did not have (someone created since) is asked for once with GetUser.
/// </summary>
/// <param name="context">The call options.</param>
/// <param name="invoker">The connection.</param>
internal sealed class PeopleDirectory(CliContext context, CallInvoker invoker)
{
    private readonly Dictionary<string, User?> _byId = new(StringComparer.Ordinal);
    private List<User>? _all;
    private bool _unreadable;

    /// <summary>Gets a user's id from what was typed: an email (it has an '@') is looked up, anything else is taken as an id.</summary>
    /// <param name="user">A user id or an email.</param>
    /// <returns>The user id.</returns>
    /// <exception cref="RpcException">The directory cannot be read (its error), or no user of the tenant has the email (NOT_FOUND).</exception>
    public async Task<string> IdOfAsync(string user)
    {
        var key = user.Trim();
        if (key.Length == 0)
        {
            throw new UsageException("USER is empty: give a user's id or email (see atom users list).");
        }

        if (!key.Contains('@', StringComparison.Ordinal))
        {
            return key;
        }

        var all = await LoadAsync().ConfigureAwait(false);
        return all.FirstOrDefault(u => string.Equals(u.Email, key, StringComparison.OrdinalIgnoreCase))?.Id
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No user of your tenant has the email '{key}'."));
    }

    /// <summary>Gets how to show a user: display name, else email, else the id itself when the directory cannot tell.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The label; never fails (chat output goes on with ids rather than stop).</returns>
    public async Task<string> LabelAsync(string userId)
    {
        if (userId.Length == 0)
        {
            return "-";
        }

        if (!_unreadable && _all is null)
        {
            try
            {
                await LoadAsync().ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
            {
                // A guest or a narrowly scoped key may not read the directory: ids are still a correct answer.
                _unreadable = true;
            }
        }

        if (!_byId.TryGetValue(userId, out var user) && !_unreadable)
        {
            try
            {
                user = (await new UserServiceClient(invoker).GetUserAsync(new GetUserRequest { UserId = userId }, context.CallOptions()).ConfigureAwait(false)).User;
            }
            catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
            {
                user = null;
            }

            _byId[userId] = user;
        }

        return user is null ? userId : Label(user);
    }

    /// <summary>Gets how to show a user from what is already known, without a call: for redrawing a status line.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The label, or the id when the user has not been looked up.</returns>
    public string KnownLabel(string userId) => _byId.TryGetValue(userId, out var user) && user is not null ? Label(user) : userId;

    /// <summary>Gets how to show a user already in hand.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The display name, else the email, else the id.</returns>
    public static string Label(User user) =>
        user.DisplayName.Length > 0 ? user.DisplayName : user.Email.Length > 0 ? user.Email : user.Id;

    /// <summary>Gets a user's email when the directory has them, for tables.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The email, or empty.</returns>
    public async Task<string> EmailAsync(string userId)
    {
        await LabelAsync(userId).ConfigureAwait(false);
        return _byId.TryGetValue(userId, out var user) && user is not null ? user.Email : string.Empty;
    }

    private async Task<List<User>> LoadAsync()
    {
        if (_all is not null)
        {
            return _all;
        }

        var client = new UserServiceClient(invoker);
        var response = await Pages.AllAsync(page => client.ListUsersAsync(
            new ListUsersRequest { PageToken = page, PageSize = 500, IncludeDisabled = true },
            context.CallOptions()).ResponseAsync).ConfigureAwait(false);
        _all = [.. response.Users];
        foreach (var user in _all)
        {
            _byId[user.Id] = user;
        }

        return _all;
    }
}
