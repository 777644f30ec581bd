using Atom.V1;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>Rooms, members, sign-ins and messages made through the SDK: setup, not the thing tested.</summary>
public static class ChatSetup
{
    /// <summary>Creates a room with a unique name; the admin owns it unless another token is given.</summary>
    public static async Task<Room> CreateRoomAsync(this CliServer server, string prefix = "room", string? ownerToken = CliServer.AdminToken, bool isPrivate = false)
    {
        using var channel = server.Channel(ownerToken);
        var response = await new RoomServiceClient(channel).CreateRoomAsync(new CreateRoomRequest
        {
            Name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}",
            Visibility = isPrivate ? RoomVisibility.Private : RoomVisibility.Public,
            RequestId = Guid.NewGuid().ToString(),
        });
        return response.Room;
    }

    /// <summary>Adds a user to a room, as its owner (the admin unless another token is given).</summary>
    public static async Task AddMemberAsync(this CliServer server, Room room, User user, RoomRole role, string? ownerToken = CliServer.AdminToken)
    {
        using var channel = server.Channel(ownerToken);
        await new RoomServiceClient(channel).AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = user.Id, Role = role });
    }

    /// <summary>Creates a user and signs them in.</summary>
    /// <returns>The user and an access token to run the CLI as them (ATOM_TOKEN).</returns>
    public static async Task<(User User, string Token)> UserWithTokenAsync(this CliServer server, string name)
    {
        var user = await server.CreateUserAsync(name);
        using var channel = server.Channel(token: null);
        var signIn = await new AuthServiceClient(channel).SignInAsync(new SignInRequest { Email = user.Email, Password = CliServer.Password });
        return (user, signIn.Tokens.AccessToken);
    }

    /// <summary>Posts a message (the admin unless another token is given).</summary>
    public static async Task<Message> SendAsync(this CliServer server, Room room, string text, string? token = CliServer.AdminToken)
    {
        using var channel = server.Channel(token);
        var response = await new ChatServiceClient(channel).SendMessageAsync(new SendMessageRequest { RoomId = room.Id, Text = text, RequestId = Guid.NewGuid().ToString() });
        return response.Message;
    }

    /// <summary>Lists a room's messages, oldest first.</summary>
    public static async Task<List<Message>> MessagesAsync(this CliServer server, Room room)
    {
        using var channel = server.Channel();
        var page = await new ChatServiceClient(channel).ListMessagesAsync(new ListMessagesRequest { RoomId = room.Id, PageSize = 500 });
        return [.. page.Messages.Reverse()];
    }
}
