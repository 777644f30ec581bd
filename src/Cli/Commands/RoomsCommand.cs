using System.CommandLine;
using System.Globalization;
using Atom.Cli.Arguments;
using Atom.Cli.Calls;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom rooms create|list|show|archive|rm|members</c>: the rooms of the caller's tenant and who is in them
/// (RoomService). A room is named by its id or its unique name; a user by their id or email.
/// </summary>
internal static class RoomsCommand
{
    private static readonly string[] Columns = ["ID", "Name", "Display name", "Topic", "Visibility", "Members", "Your role", "Last event", "Status", "Created"];
    private static readonly string[] ListColumns = ["ID", "Name", "Display name", "Visibility", "Members", "Your role", "Status", "Created"];
    private static readonly string[] MemberColumns = ["User ID", "Email", "Role", "Joined", "Read up to"];

    public static Command Create(CommandRunner runner) => new("rooms", "Create, find, archive and delete rooms, and manage their members")
    {
        CreateCommand(runner),
        ListCommand(runner),
        ShowCommand(runner),
        ArchiveCommand(runner),
        DeleteCommand(runner),
        MembersCommand(runner),
    };

    /// <summary>The ROOM argument every room command takes.</summary>
    /// <returns>The argument.</returns>
    public static Argument<string> RoomArgument() => new("room") { Description = "The room's id or unique name (see atom rooms list)" };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "A unique short name in the tenant: lower-case letters, digits and '-', 2 to 63 characters" };
        var isPrivate = new Option<bool>("--private") { Description = "Only members see the room; others join when added or invited [default: public]" };
        var displayName = new Option<string?>("--display-name") { Description = "The name shown to people [default: the name]", HelpName = "TEXT" };
        var topic = new Option<string?>("--topic") { Description = "What the room is about", HelpName = "TEXT" };
        var command = new Command("create", "Create a room; you become its owner") { name, isPrivate, displayName, topic };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var response = await new RoomServiceClient(connection).CreateRoomAsync(new CreateRoomRequest
            {
                Name = result.GetValue(name)!.Trim(),
                DisplayName = result.GetValue(displayName) ?? string.Empty,
                Topic = result.GetValue(topic) ?? string.Empty,
                Visibility = result.GetValue(isPrivate) ? RoomVisibility.Private : RoomVisibility.Public,
                RequestId = Guid.NewGuid().ToString(),
            }, context.CallOptions()).ConfigureAwait(false);
            return await PrintAsync(context, response, response.Room, "Created room").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var joined = new Option<bool>("--joined") { Description = "Only rooms you are a member of" };
        var archived = new Option<bool>("--archived") { Description = "Also list archived rooms" };
        var query = new Option<string?>("--query") { Description = "Only rooms whose name or display name contains this text, in any case", HelpName = "TEXT" };
        var command = new Command("list", "List the rooms you can see: public rooms and those you belong to") { joined, archived, query };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var client = new RoomServiceClient(connection);
            var response = await Pages.AllAsync(page => client.ListRoomsAsync(
                new ListRoomsRequest
                {
                    PageToken = page,
                    PageSize = 500,
                    JoinedOnly = result.GetValue(joined),
                    IncludeArchived = result.GetValue(archived),
                    Query = result.GetValue(query)?.Trim() ?? string.Empty,
                },
                context.CallOptions()).ResponseAsync).ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                Display.Table(context.Console, "rooms", ListColumns, response.Rooms.Select(r => ListRow(r)));
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command ShowCommand(CommandRunner runner)
    {
        var room = RoomArgument();
        var command = new Command("show", "Show a room: names, topic, visibility, members, your role") { room };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            return await PrintAsync(context, new GetRoomResponse { Room = found }, found, done: null).ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command ArchiveCommand(CommandRunner runner)
    {
        var room = RoomArgument();
        var command = new Command("archive", "Archive a room: it stays readable and nothing new can be said in it (owners)") { room };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var response = await new RoomServiceClient(connection)
                .ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = found.Id }, context.CallOptions())
                .ConfigureAwait(false);
            return await PrintAsync(context, response, response.Room, "Archived room").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command DeleteCommand(CommandRunner runner)
    {
        var room = RoomArgument();
        var command = new Command("rm", "Delete a room and everything said in it, for good (owners)") { room };
        command.Aliases.Add("delete");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var response = await new RoomServiceClient(connection)
                .DeleteRoomAsync(new DeleteRoomRequest { RoomId = found.Id }, context.CallOptions())
                .ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync($"Deleted room {found.Name} ({found.Id}).").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command MembersCommand(CommandRunner runner)
    {
        // 'rooms members ROOM' lists; 'rooms members ROOM add|remove|role ...' changes. The subcommands read ROOM from here.
        var room = RoomArgument();
        var command = new Command("members", "List a room's members, or add, remove or change one with a subcommand") { room };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var client = new RoomServiceClient(connection);
            var response = await Pages.AllAsync(page => client.ListRoomMembersAsync(
                new ListRoomMembersRequest { RoomId = found.Id, PageToken = page, PageSize = 500 },
                context.CallOptions()).ResponseAsync).ConfigureAwait(false);

            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var people = new PeopleDirectory(context, connection);
            var rows = new List<string[]>();
            foreach (var member in response.Members)
            {
                rows.Add(await MemberRowAsync(people, member).ConfigureAwait(false));
            }

            Display.Table(context.Console, "members", MemberColumns, rows);
            return ExitCodes.Success;
        }, token));

        command.Subcommands.Add(AddMemberCommand(runner, room));
        command.Subcommands.Add(RemoveMemberCommand(runner, room));
        command.Subcommands.Add(SetRoleCommand(runner, room));
        return command;
    }

    private static Command AddMemberCommand(CommandRunner runner, Argument<string> room)
    {
        var user = UserArgument();
        var role = RoomRoleNames.Option("The member's role in the room; moderators add viewers and members, owners anyone [default: member]");
        var command = new Command("add", "Add a user of your tenant to the room") { user, role };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var people = new PeopleDirectory(context, connection);
            var userId = await people.IdOfAsync(result.GetValue(user)!).ConfigureAwait(false);
            var response = await new RoomServiceClient(connection).AddRoomMemberAsync(
                new AddRoomMemberRequest { RoomId = found.Id, UserId = userId, Role = result.GetValue(role) ?? RoomRole.Member },
                context.CallOptions()).ConfigureAwait(false);
            return await PrintMemberAsync(context, people, response, response.Member, who => $"Added {who} to {found.Name} as {RoomRoleNames.Name(response.Member?.Role ?? RoomRole.Unspecified)}.").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Command RemoveMemberCommand(CommandRunner runner, Argument<string> room)
    {
        var user = UserArgument();
        var command = new Command("remove", "Remove a member from the room; they stop receiving it at once") { user };
        command.Aliases.Add("rm");
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var people = new PeopleDirectory(context, connection);
            var userId = await people.IdOfAsync(result.GetValue(user)!).ConfigureAwait(false);
            var response = await new RoomServiceClient(connection).RemoveRoomMemberAsync(
                new RemoveRoomMemberRequest { RoomId = found.Id, UserId = userId },
                context.CallOptions()).ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync($"Removed {await people.LabelAsync(userId).ConfigureAwait(false)} from {found.Name}.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, token));
        return command;
    }

    private static Command SetRoleCommand(CommandRunner runner, Argument<string> room)
    {
        var user = UserArgument();
        var role = RoomRoleNames.Argument("role", "The member's new role");
        var command = new Command("role", "Change a member's role in the room (owners)") { user, role };
        command.SetAction((result, token) => runner.RunAsync(result, async context =>
        {
            using var connection = context.Connect();
            var found = await RoomLookup.GetAsync(context, connection, result.GetValue(room)!).ConfigureAwait(false);
            var people = new PeopleDirectory(context, connection);
            var userId = await people.IdOfAsync(result.GetValue(user)!).ConfigureAwait(false);
            var response = await new RoomServiceClient(connection).SetRoomMemberRoleAsync(
                new SetRoomMemberRoleRequest { RoomId = found.Id, UserId = userId, Role = result.GetValue(role) ?? RoomRole.Member },
                context.CallOptions()).ConfigureAwait(false);
            return await PrintMemberAsync(context, people, response, response.Member, who => $"{who} is now {RoomRoleNames.Name(response.Member?.Role ?? RoomRole.Unspecified)} in {found.Name}.").ConfigureAwait(false);
        }, token));
        return command;
    }

    private static Argument<string> UserArgument() => new("user") { Description = "The user's id or email (see atom users list)" };

    private static async Task<int> PrintAsync(CliContext context, IMessage response, Room? room, string? done)
    {
        if (context.Settings.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        room ??= new Room();
        if (done is not null)
        {
            await context.Out.WriteLineAsync($"{done} {room.Name}.").ConfigureAwait(false);
        }

        Display.Facts(context.Console, Columns.Zip(Row(room)));
        return ExitCodes.Success;
    }

    private static async Task<int> PrintMemberAsync(CliContext context, PeopleDirectory people, IMessage response, RoomMember? member, Func<string, string> done)
    {
        if (context.Settings.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        member ??= new RoomMember();
        await context.Out.WriteLineAsync(done(await people.LabelAsync(member.UserId).ConfigureAwait(false))).ConfigureAwait(false);
        Display.Facts(context.Console, MemberColumns.Zip(await MemberRowAsync(people, member).ConfigureAwait(false)));
        return ExitCodes.Success;
    }

    private static string[] Row(Room room) =>
    [
        room.Id,
        room.Name,
        room.DisplayName,
        room.Topic,
        Visibility(room.Visibility),
        room.MemberCount.ToString(CultureInfo.InvariantCulture),
        RoomRoleNames.Name(room.CallerRole),
        room.LastSequence.ToString(CultureInfo.InvariantCulture),
        room.Archived ? "archived" : "active",
        Display.Time(room.CreateTime),
    ];

    private static string[] ListRow(Room room) =>
    [
        room.Id,
        room.Name,
        room.DisplayName,
        Visibility(room.Visibility),
        room.MemberCount.ToString(CultureInfo.InvariantCulture),
        RoomRoleNames.Name(room.CallerRole),
        room.Archived ? "archived" : "active",
        Display.Time(room.CreateTime),
    ];

    private static async Task<string[]> MemberRowAsync(PeopleDirectory people, RoomMember member) =>
    [
        member.UserId,
        await people.EmailAsync(member.UserId).ConfigureAwait(false),
        RoomRoleNames.Name(member.Role),
        Display.Time(member.JoinTime),
        member.LastReadSequence.ToString(CultureInfo.InvariantCulture),
    ];

    private static string Visibility(RoomVisibility visibility) => visibility switch
    {
        RoomVisibility.Public => "public",
        RoomVisibility.Private => "private",
        RoomVisibility.Direct => "direct",
        _ => "-",
    };
}
