using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Tests.Identity.Api;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;
using StoredMessage = Atom.Server.Chat.StoredMessage;
using NewMessage = Atom.Server.Chat.NewMessage;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>
/// A real server (the identity API's test server, on SQLite unless told otherwise) shared by a test class. Each test
/// works in a team of its own: a fresh tenant with its owner and named people, so tests never see each other's rooms.
/// </summary>
public sealed class RoomsServer : IAsyncLifetime
{
    private int _teams;

    public IdentityApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityApiServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new tenant with its owner and one signed-in member per name.</summary>
    public Task<Team> TeamAsync(params string[] people) => Team.CreateAsync(Server, $"team{Interlocked.Increment(ref _teams)}", people);
}

/// <summary>One tenant of a test: its owner, its people, and the server's stores behind them.</summary>
public sealed class Team
{
    private readonly Dictionary<string, Person> _people;

    private Team(IdentityApiServer server, Tenant tenant, Person owner, Dictionary<string, Person> people)
    {
        Server = server;
        Tenant = tenant;
        Owner = owner;
        _people = people;
    }

    public IdentityApiServer Server { get; }

    public Tenant Tenant { get; }

    /// <summary>The tenant's owner: a tenant role, which gives nothing inside rooms.</summary>
    public Person Owner { get; }

    public Person this[string name] => _people[name];

    public static async Task<Team> CreateAsync(IdentityApiServer server, string name, params string[] people)
    {
        var (tenant, ownerToken, owner) = await server.CreateTenantAsync(name);
        var named = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var person in people)
        {
            var (user, signIn) = await server.CreateSignedInUserAsync($"{person}@{name}.example", name);
            named[person] = new Person(server, user, signIn.Tokens.AccessToken);
        }

        return new Team(server, tenant, new Person(server, owner, ownerToken), named);
    }

    /// <summary>A user of the tenant who is not signed in (to be added, invited, named).</summary>
    public async Task<User> UserAsync(string name) =>
        (await Server.Users().CreateUserAsync(new CreateUserRequest { Email = $"{name}@{Tenant.Name}.example", Password = IdentityApiServer.Password, Tenant = Tenant.Name })).User;

    /// <summary>Disables a user of the tenant, as its owner does.</summary>
    public async Task DisableAsync(string userId) =>
        await new UserServiceClient(Server.Channel(Owner.Token)).DisableUserAsync(new DisableUserRequest { UserId = userId });

    /// <summary>The room's event log, read from the store, parsed as subscribers receive it.</summary>
    public async Task<List<RoomEvent>> EventsAsync(string roomId) =>
        [.. (await Services.GetRequiredService<RoomEventLog>().ReadAsync(Tenant.Id, roomId, 0, RoomEventLog.MaxReadLimit)).Select(RoomEvents.Parse)];

    /// <summary>Posts a message straight into the store (ChatService lives elsewhere), as the service would.</summary>
    public async Task<StoredMessage> PostAsync(string roomId, Person sender, string text)
    {
        var posted = await Services.GetRequiredService<MessageStore>().PostAsync(Tenant.Id, roomId, new NewMessage(sender.Id, text, [], []), RoomEvents.MessagePosted);
        return posted!.Value;
    }

    /// <summary>Deletes a message in the store, leaving its tombstone.</summary>
    public async Task DeleteMessageAsync(string roomId, string messageId, Person actor) =>
        await Services.GetRequiredService<MessageStore>().DeleteAsync(Tenant.Id, roomId, messageId, actor.Id, RoomEvents.MessageDeleted);

    /// <summary>A live subscription of <paramref name="person"/> to a room, as a Converse or Subscribe stream would hold it.</summary>
    public ChatSubscription Subscribe(Person person, string roomId)
    {
        var subscription = new ChatSubscription(
            Services.GetRequiredService<RoomFanout>(), Services.GetRequiredService<IRoomEventSource>(), Services.GetRequiredService<ChatStreamOptions>(), Tenant.Id, person.Id);
        subscription.Join(roomId, 0);
        return subscription;
    }

    private IServiceProvider Services => Server.Test.Server.Services;
}

/// <summary>A signed-in user with clients of both services.</summary>
public sealed class Person(IdentityApiServer server, User user, string token)
{
    public User User { get; } = user;

    public string Id => User.Id;

    public string Token { get; } = token;

    public RoomServiceClient Rooms { get; } = new(server.Channel(token));

    public AnnotationServiceClient Annotations { get; } = new(server.Channel(token));

    public async Task<Room> CreateRoomAsync(string name, RoomVisibility visibility = RoomVisibility.Public, params string[] memberIds) =>
        (await Rooms.CreateRoomAsync(new CreateRoomRequest { Name = name, Visibility = visibility, MemberIds = { memberIds } })).Room;

    public async Task<Room> GetRoomAsync(string roomIdOrName) => (await Rooms.GetRoomAsync(new GetRoomRequest { RoomId = roomIdOrName })).Room;

    public async Task<RoomMember> AddAsync(string roomId, string userId, RoomRole role = RoomRole.Unspecified) =>
        (await Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = roomId, UserId = userId, Role = role })).Member;

    public async Task<List<Room>> ListRoomsAsync(ListRoomsRequest? request = null) => [.. (await Rooms.ListRoomsAsync(request ?? new ListRoomsRequest())).Rooms];

    public async Task<List<RoomMember>> MembersAsync(string roomId) => [.. (await Rooms.ListRoomMembersAsync(new ListRoomMembersRequest { RoomId = roomId })).Members];
}

/// <summary>Assertions about calls that must fail, with their google.rpc details.</summary>
public static class Expect
{
    public static async Task<RpcException> FailsAsync<T>(AsyncUnaryCall<T> call, StatusCode code, string reason, string because = "")
    {
        ArgumentNullException.ThrowIfNull(call);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.True(error.StatusCode == code, $"{because}: expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        Assert.Equal(reason, error.GetDetail<ErrorInfo>()?.Reason);
        return error;
    }

    public static Task<RpcException> NotFoundAsync<T>(AsyncUnaryCall<T> call, string because = "") => FailsAsync(call, StatusCode.NotFound, "NOT_FOUND", because);

    public static Task<RpcException> FailedPreconditionAsync<T>(AsyncUnaryCall<T> call, string because = "") =>
        FailsAsync(call, StatusCode.FailedPrecondition, "FAILED_PRECONDITION", because);

    /// <summary>PERMISSION_DENIED naming the room role needed, in the message and in the ErrorInfo.</summary>
    public static async Task<RpcException> DeniedAsync<T>(AsyncUnaryCall<T> call, string roomRole, string because = "")
    {
        var error = await FailsAsync(call, StatusCode.PermissionDenied, "PERMISSION_DENIED", because);
        Assert.Equal(roomRole, error.GetDetail<ErrorInfo>()?.Metadata["room_role"]);
        Assert.Contains($"the {roomRole} room role", error.Status.Detail, StringComparison.Ordinal);
        return error;
    }

    /// <summary>INVALID_ARGUMENT with a BadRequest naming exactly <paramref name="field"/>.</summary>
    public static async Task<RpcException> InvalidFieldAsync<T>(AsyncUnaryCall<T> call, string field, string because = "")
    {
        var error = await FailsAsync(call, StatusCode.InvalidArgument, "FIELD_INVALID", because);
        Assert.Equal([field], error.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field) ?? []);
        Assert.StartsWith(field + ": ", error.Status.Detail, StringComparison.Ordinal);
        return error;
    }
}

/// <summary>Reading what a live subscription delivers, an event at a time.</summary>
public static class SubscriptionReading
{
    // What a batch held beyond what the last TakeAsync asked for, kept for the next one.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ChatSubscription, Queue<ChatEvent>> Leftovers = [];

    /// <summary>The next <paramref name="count"/> events, failing after a few seconds rather than hanging.</summary>
    public static async Task<List<ChatEvent>> TakeAsync(this ChatSubscription subscription, int count, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var leftover = Leftovers.GetOrCreateValue(subscription);
        var events = new List<ChatEvent>();
        while (events.Count < count && leftover.TryDequeue(out var kept))
        {
            events.Add(kept);
        }

        if (events.Count == count)
        {
            return events;
        }

        using var stop = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await foreach (var batch in subscription.ReadAllAsync(stop.Token))
        {
            foreach (var chatEvent in batch)
            {
                if (events.Count < count)
                {
                    events.Add(chatEvent);
                }
                else
                {
                    leftover.Enqueue(chatEvent);
                }
            }

            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
