using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class RoomsCommandTests(CliServer server)
{
    [Fact]
    public async Task A_room_is_created_found_by_name_or_id_archived_and_deleted()
    {
        var name = "life-" + Guid.NewGuid().ToString("N")[..8];

        var create = await Admin("rooms", "create", name, "--display-name", "Life cycle", "--topic", "from birth to rm", "-o", "json");
        var id = Room(create).GetProperty("id").GetString()!;
        var byName = await Admin("rooms", "show", name, "-o", "json");
        var byId = await Admin("rooms", "show", id);
        var listed = await Admin("rooms", "list", "--query", name, "-o", "json");
        var archive = await Admin("rooms", "archive", name);
        var listedAfterArchive = await Admin("rooms", "list", "--query", name, "-o", "json");
        var listedArchived = await Admin("rooms", "list", "--query", name, "--archived", "-o", "json");
        var sendToArchived = await Admin("send", name, "too late");
        var delete = await Admin("rooms", "rm", id);
        var gone = await Admin("rooms", "show", name);

        Assert.Equal("Life cycle", Room(create).GetProperty("displayName").GetString());
        Assert.Equal("from birth to rm", Room(create).GetProperty("topic").GetString());
        Assert.Equal("ROOM_VISIBILITY_PUBLIC", Room(create).GetProperty("visibility").GetString());
        Assert.Equal("ROOM_ROLE_OWNER", Room(create).GetProperty("callerRole").GetString());
        Assert.Equal(id, Room(byName).GetProperty("id").GetString());
        Assert.True(byId.ExitCode == 0, byId.ToString());
        Assert.Contains("from birth to rm", byId.Stdout);
        Assert.Contains("owner", byId.Stdout);
        Assert.Equal(id, Assert.Single(Rooms(listed)).GetProperty("id").GetString());
        Assert.True(archive.ExitCode == 0, archive.ToString());
        Assert.Contains($"Archived room {name}.", archive.Stdout);
        Assert.Contains("archived", archive.Stdout);
        Assert.Empty(Rooms(listedAfterArchive));
        Assert.True(Assert.Single(Rooms(listedArchived)).GetProperty("archived").GetBoolean());
        Assert.True(sendToArchived.ExitCode == 1, sendToArchived.ToString());
        Assert.Contains("FAILED_PRECONDITION", sendToArchived.Stderr);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains($"Deleted room {name}", delete.Stdout);
        Assert.True(gone.ExitCode == 1, gone.ToString());
        Assert.Contains("error: NOT_FOUND: ", gone.Stderr);
        Assert.Contains(name, gone.Stderr);
    }

    [Fact]
    public async Task A_private_room_is_invisible_to_those_outside_it()
    {
        var name = "secret-" + Guid.NewGuid().ToString("N")[..8];
        var (_, outsider) = await server.UserWithTokenAsync("outsider");

        var create = await Admin("rooms", "create", name, "--private");
        var list = await AtomCli.RunAsync(["rooms", "list", "--query", name, "-o", "json", "--server", server.Address], environment: Token(outsider), asAdmin: false);
        var show = await AtomCli.RunAsync(["rooms", "show", name, "--server", server.Address], environment: Token(outsider), asAdmin: false);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("private", create.Stdout);
        Assert.Empty(Rooms(list));
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("NOT_FOUND", show.Stderr);
    }

    [Fact]
    public async Task Members_are_added_by_email_or_id_given_roles_listed_and_removed()
    {
        var room = await server.CreateRoomAsync("members");
        var ann = await server.CreateUserAsync("ann");
        var bob = await server.CreateUserAsync("bob");

        var addAnn = await Admin("rooms", "members", room.Name, "add", ann.Email.ToUpperInvariant(), "--role", "Viewer", "-o", "json");
        var addBob = await Admin("rooms", "members", room.Id, "add", bob.Id);
        var promote = await Admin("rooms", "members", room.Name, "role", ann.Email, "moderator");
        var list = await Admin("rooms", "members", room.Name, "-o", "json");
        var table = await Admin("rooms", "members", room.Name);
        var remove = await Admin("rooms", "members", room.Name, "remove", bob.Email);
        var after = await Admin("rooms", "members", room.Name, "-o", "json");

        Assert.True(addAnn.ExitCode == 0, addAnn.ToString());
        var added = addAnn.Json().GetProperty("member");
        Assert.Equal(ann.Id, added.GetProperty("userId").GetString());
        Assert.Equal("ROOM_ROLE_VIEWER", added.GetProperty("role").GetString());
        Assert.True(addBob.ExitCode == 0, addBob.ToString());
        Assert.Contains($"Added {bob.Email} to {room.Name} as member.", addBob.Stdout);
        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.Contains($"{ann.Email} is now moderator in {room.Name}.", promote.Stdout);
        var members = Members(list);
        Assert.Equal(3, members.Count);
        Assert.Contains((ann.Id, "ROOM_ROLE_MODERATOR"), members);
        Assert.Contains((bob.Id, "ROOM_ROLE_MEMBER"), members);
        Assert.Contains(members, m => m.Role == "ROOM_ROLE_OWNER");
        Assert.Contains(ann.Email, table.Stdout);
        Assert.Contains("moderator", table.Stdout);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains($"Removed {bob.Email} from {room.Name}.", remove.Stdout);
        Assert.DoesNotContain(Members(after), m => m.UserId == bob.Id);
    }

    [Fact]
    public async Task An_unknown_room_role_is_a_usage_error_naming_the_choices()
    {
        var result = await Admin("rooms", "members", "some-room", "add", "someone@example.com", "--role", "boss");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'boss' is not a room role: use viewer|member|moderator|owner", result.Stderr);
    }

    [Fact]
    public async Task An_email_nobody_has_is_NOT_FOUND_naming_it()
    {
        var room = await server.CreateRoomAsync("nobody");

        var result = await Admin("rooms", "members", room.Name, "add", "nobody-at-all@example.com");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: NOT_FOUND: ", result.Stderr);
        Assert.Contains("nobody-at-all@example.com", result.Stderr);
    }

    [Fact]
    public async Task A_member_who_is_not_the_owner_cannot_archive_and_hears_why()
    {
        var room = await server.CreateRoomAsync("not-yours");
        var (user, token) = await server.UserWithTokenAsync("member");
        await server.AddMemberAsync(room, user, RoomRole.Member);

        var table = await AtomCli.RunAsync(["rooms", "archive", room.Name, "--server", server.Address], environment: Token(token), asAdmin: false);
        var json = await AtomCli.RunAsync(["rooms", "rm", room.Name, "-o", "json", "--server", server.Address], environment: Token(token), asAdmin: false);

        Assert.True(table.ExitCode == 1, table.ToString());
        Assert.Contains("error: PERMISSION_DENIED: ", table.Stderr);
        Assert.Contains("owner", table.Stderr);
        Assert.True(json.ExitCode == 1, json.ToString());
        Assert.Equal(7, JsonDocument.Parse(json.Stderr).RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Every_chat_command_prints_one_json_document_per_line()
    {
        var name = "json-" + Guid.NewGuid().ToString("N")[..8];
        var user = await server.CreateUserAsync("json-member");

        var results = new List<CliResult>
        {
            await Admin("rooms", "create", name, "-o", "json"),
            await Admin("rooms", "list", "-o", "json"),
            await Admin("rooms", "show", name, "-o", "json"),
            await Admin("rooms", "members", name, "add", user.Id, "-o", "json"),
            await Admin("rooms", "members", name, "role", user.Id, "viewer", "-o", "json"),
            await Admin("rooms", "members", name, "-o", "json"),
            await Admin("rooms", "members", name, "remove", user.Id, "-o", "json"),
            await Admin("send", name, "hello json", "-o", "json"),
            await Admin("history", name, "-o", "json"),
            await Admin("rooms", "archive", name, "-o", "json"),
            await Admin("rooms", "rm", name, "-o", "json"),
        };

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.NotEmpty(result.StdoutLines);
            Assert.All(result.StdoutLines, line => JsonDocument.Parse(line).Dispose());
        }
    }

    private Task<CliResult> Admin(params string[] args) => AtomCli.RunAsync([.. args, "--server", server.Address]);

    private static Dictionary<string, string> Token(string token) => new() { ["ATOM_TOKEN"] = token };

    private static JsonElement Room(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json().GetProperty("room");
    }

    private static JsonElement[] Rooms(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json().GetProperty("rooms").EnumerateArray().ToArray();
    }

    private static List<(string UserId, string Role)> Members(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json().GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("userId").GetString()!, m.GetProperty("role").GetString()!))
            .ToList();
    }
}
