using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>
/// The Converse stream and its guarantees on a real server: sends acked with the stored id and sequence, every
/// joined room's events in order, resume without gap or duplicate, per-event errors that leave the stream up,
/// room roles on every event, and slow consumers cut off with a resume point while others carry on.
/// </summary>
public sealed class ConverseTests : IAsyncLifetime
{
    private IdentityApiServer _server = null!;
    private Fixture _f = null!;

    public async Task InitializeAsync()
    {
        _server = await IdentityApiServer.StartAsync("sqlite", "--Atom:Chat:SendBurst=100000", "--Atom:Chat:SendsPerSecond=100000", "--Atom:Chat:Streams:QueueCapacity=16");
        _f = await Fixture.CreateAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_send_is_acked_with_its_stored_id_and_sequence_and_every_member_receives_it()
    {
        await using var ann = new ConverseClient(_server.Channel(_f.AnnToken));
        await using var bob = new ConverseClient(_server.Channel(_f.BobToken));
        await ann.JoinAndCatchUpAsync(_f.RoomId);
        await bob.JoinAndCatchUpAsync(_f.RoomId);

        var eventId = await ann.SendAsync(new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.RoomId, Text = "hello **bob**", RequestId = "r1" } });
        var ack = (await ann.ReplyToAsync(eventId)).Reply;
        var seenByBob = (await bob.RoomEventsAsync(_f.RoomId, 1))[0];
        var seenByAnn = (await ann.RoomEventsAsync(_f.RoomId, 1))[0];

        Assert.NotEmpty(ack.Message.Id);
        Assert.True(ack.Message.Sequence > 0);
        Assert.Equal(ack.Message.Id, seenByBob.MessagePosted.Id);
        Assert.Equal(ack.Message.Sequence, seenByBob.Sequence);
        Assert.Equal("hello **bob**", seenByBob.MessagePosted.Text);
        Assert.Equal(_f.Ann, seenByBob.ActorId);
        Assert.Equal(seenByBob, seenByAnn);
    }

    [Fact]
    public async Task A_retried_send_is_stored_once_and_acked_with_the_same_message()
    {
        await using var ann = new ConverseClient(_server.Channel(_f.AnnToken));
        var send = new SendMessageRequest { RoomId = _f.RoomId, Text = "once", RequestId = "same-id" };

        var first = (await ann.ReplyToAsync(await ann.SendAsync(new ConverseRequest { Send = send }))).Reply.Message;
        var second = (await ann.ReplyToAsync(await ann.SendAsync(new ConverseRequest { Send = send }))).Reply.Message;
        var third = (await new ChatServiceClient(_server.Channel(_f.AnnToken)).SendMessageAsync(send)).Message;
        var log = await ChatRooms.LogAsync(_server, _f.TenantId, _f.RoomId);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Single(log, e => e.MessageId == first.Id);
    }

    [Fact]
    public async Task A_reconnecting_client_gets_everything_it_missed_in_order_then_live_events_with_no_gap_or_duplicate()
    {
        var chat = new ChatServiceClient(_server.Channel(_f.BobToken));
        long lastSeen;
        await using (var ann = new ConverseClient(_server.Channel(_f.AnnToken)))
        {
            await ann.JoinAndCatchUpAsync(_f.RoomId);
            for (var i = 1; i <= 5; i++)
            {
                await chat.SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "before " + i });
            }

            lastSeen = (await ann.RoomEventsAsync(_f.RoomId, 5))[^1].Sequence;
        }

        // Missed while away, including changes other than posts.
        var missed = new List<Message>();
        for (var i = 1; i <= 7; i++)
        {
            missed.Add((await chat.SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "missed " + i })).Message);
        }

        await chat.EditMessageAsync(new EditMessageRequest { RoomId = _f.RoomId, MessageId = missed[0].Id, Text = "missed 1 (edited)" });

        await using var back = new ConverseClient(_server.Channel(_f.AnnToken));
        await back.JoinAsync(_f.RoomId, lastSeen);
        var caughtUp = await back.RoomEventsAsync(_f.RoomId, 8);
        var live = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "live" })).Message;
        var next = (await back.RoomEventsAsync(_f.RoomId, 1))[0];

        Assert.Equal(Enumerable.Range(1, 8).Select(i => lastSeen + i), caughtUp.Select(e => e.Sequence));
        Assert.Equal(missed.Select(m => m.Id), caughtUp.Take(7).Select(e => e.MessagePosted.Id));
        Assert.Equal("missed 1 (edited)", caughtUp[7].MessageEdited.Text);
        Assert.Equal(live.Sequence, next.Sequence);
        Assert.Equal(lastSeen + 9, next.Sequence);
        Assert.DoesNotContain(back.Drain(), r => r.Event?.RoomEvent is not null);
    }

    [Fact]
    public async Task Each_bad_event_gets_its_own_precise_error_and_the_stream_stays_up()
    {
        await using var ann = new ConverseClient(_server.Channel(_f.AnnToken));
        var room = await new RoomServiceProbe(_server, _f).LastSequenceAsync();

        var empty = await ErrorFor(ann, new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.RoomId, Text = "  " } });
        var huge = await ErrorFor(ann, new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.RoomId, Text = new string('x', 16 * 1024 + 1) } });
        var unknownRoom = await ErrorFor(ann, new ConverseRequest { Send = new SendMessageRequest { RoomId = "no-such-room", Text = "hi" } });
        var future = await ErrorFor(ann, new ConverseRequest { Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = _f.RoomId, AfterSequence = room + 100 } } });
        var nothing = await ErrorFor(ann, new ConverseRequest());
        var ok = (await ann.ReplyToAsync(await ann.SendAsync(new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.RoomId, Text = "still here" } }))).Reply;

        Assert.Equal("send.text", Field(empty));
        Assert.Equal("send.text", Field(huge));
        Assert.Contains("16384", huge.Message, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.NotFound, unknownRoom.Code);
        Assert.Equal("join.cursor.after_sequence", Field(future));
        Assert.Equal("event", Field(nothing));
        Assert.Equal("still here", ok.Message.Text);
        Assert.Null(ann.Ended);
    }

    [Fact]
    public async Task Undecodable_bytes_on_the_stream_get_an_error_event_and_the_next_event_is_served()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = _server.Test.GrpcAddress };
        await using var raw = RawGrpcCall.Start(http, "/atom.v1.ChatService/Converse", [new("authorization", "Bearer " + _f.AnnToken)]);

        // 0xFF... is no valid protobuf field: the frame is intact, its content is garbage.
        await raw.SendRawAsync(GrpcWire.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
        await raw.SendAsync(new ConverseRequest { EventId = "after-garbage", Send = new SendMessageRequest { RoomId = _f.RoomId, Text = "still talking" } });
        var first = await raw.ReadAsync(ConverseResponse.Parser);
        var second = await raw.ReadAsync(ConverseResponse.Parser);

        Assert.NotNull(first?.Error);
        Assert.Equal((int)StatusCode.Internal, first.Error.Status.Code);
        Assert.Contains(first.Error.Status.Details, d => d.Is(ErrorInfo.Descriptor) && d.Unpack<ErrorInfo>().Reason == "MALFORMED_REQUEST");
        Assert.Equal("after-garbage", second?.Reply?.EventId);
        Assert.Equal("still talking", second!.Reply.Message.Text);
    }

    [Fact]
    public async Task Room_roles_apply_to_every_event()
    {
        await using var viewer = new ConverseClient(_server.Channel(_f.ViewerToken));
        await using var outsider = new ConverseClient(_server.Channel(_f.OutsiderToken));
        var posted = (await new ChatServiceClient(_server.Channel(_f.BobToken)).SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "bob's" })).Message;

        await viewer.JoinAndCatchUpAsync(_f.RoomId);
        var viewerSends = await ErrorFor(viewer, new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.RoomId, Text = "may I?" } });
        var viewerDeletes = await ErrorFor(viewer, new ConverseRequest { Delete = new DeleteMessageRequest { RoomId = _f.RoomId, MessageId = posted.Id } });
        var outsiderJoins = await ErrorFor(outsider, new ConverseRequest { Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = _f.PrivateRoomId } } });
        var outsiderSends = await ErrorFor(outsider, new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.PrivateRoomId, Text = "let me in" } });
        await using var ann = new ConverseClient(_server.Channel(_f.AnnToken));
        var annEditsBobs = await ErrorFor(ann, new ConverseRequest { Edit = new EditMessageRequest { RoomId = _f.RoomId, MessageId = posted.Id, Text = "mine now" } });
        var anns = (await new ChatServiceClient(_server.Channel(_f.AnnToken)).SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "ann's" })).Message;
        await using var bob = new ConverseClient(_server.Channel(_f.BobToken));
        var bobDeletesAnns = await ErrorFor(bob, new ConverseRequest { Delete = new DeleteMessageRequest { RoomId = _f.RoomId, MessageId = anns.Id } });

        // Owners (and moderators) may delete anyone's message; nobody may edit anyone else's.
        var ownerDeletes = (await ann.ReplyToAsync(await ann.SendAsync(new ConverseRequest { Delete = new DeleteMessageRequest { RoomId = _f.RoomId, MessageId = posted.Id } }))).Reply;

        Assert.Equal((int)StatusCode.PermissionDenied, viewerSends.Code);
        Assert.Contains("member", viewerSends.Message, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.PermissionDenied, viewerDeletes.Code);
        Assert.Equal((int)StatusCode.NotFound, outsiderJoins.Code);
        Assert.Equal((int)StatusCode.NotFound, outsiderSends.Code);
        Assert.Equal((int)StatusCode.PermissionDenied, bobDeletesAnns.Code);
        Assert.Equal((int)StatusCode.PermissionDenied, annEditsBobs.Code);
        Assert.Equal("ann's", (await new ChatServiceClient(_server.Channel(_f.BobToken)).GetMessageAsync(new GetMessageRequest { RoomId = _f.RoomId, MessageId = anns.Id })).Message.Text);
        Assert.NotNull(ownerDeletes.Message.DeleteTime);
        Assert.Empty(ownerDeletes.Message.Text);
    }

    [Fact]
    public async Task A_removed_member_stops_receiving_at_once()
    {
        await using var bob = new ConverseClient(_server.Channel(_f.BobToken));
        await bob.JoinAndCatchUpAsync(_f.PrivateRoomId);

        await ChatRooms.RemoveAsync(_server, _f.TenantId, _f.PrivateRoomId, _f.Bob, _f.Ann);
        var closed = await bob.NextAsync(r => r.Event?.RoomClosed is not null);
        await new ChatServiceClient(_server.Channel(_f.AnnToken)).SendMessageAsync(new SendMessageRequest { RoomId = _f.PrivateRoomId, Text = "after bob left" });
        var canSend = await ErrorFor(bob, new ConverseRequest { Send = new SendMessageRequest { RoomId = _f.PrivateRoomId, Text = "still here?" } });

        Assert.Equal("removed", closed.Event.RoomClosed.Reason);
        Assert.Equal((int)StatusCode.NotFound, canSend.Code);
        Assert.DoesNotContain(bob.Drain(), r => r.Event?.RoomEvent?.MessagePosted?.Text == "after bob left");
    }

    [Fact]
    public async Task A_non_member_reading_a_public_room_stops_when_it_turns_private_and_members_carry_on()
    {
        await using var outsider = new ConverseClient(_server.Channel(_f.OutsiderToken));
        await using var bob = new ConverseClient(_server.Channel(_f.BobToken));
        await outsider.JoinAndCatchUpAsync(_f.RoomId);
        await bob.JoinAndCatchUpAsync(_f.RoomId);

        await new RoomServiceClient(_server.Channel(_f.AnnToken)).UpdateRoomAsync(new UpdateRoomRequest
        {
            Room = new Room { Id = _f.RoomId, Visibility = RoomVisibility.Private },
            UpdateMask = new global::Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "visibility" } },
        });
        var closed = await outsider.NextAsync(r => r.Event?.RoomClosed is not null);
        await new ChatServiceClient(_server.Channel(_f.AnnToken)).SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = "members only now" });
        var bobSees = await bob.NextAsync(r => r.Event?.RoomEvent?.MessagePosted is not null);

        Assert.Equal("private", closed.Event.RoomClosed.Reason);
        Assert.Equal("members only now", bobSees.Event.RoomEvent.MessagePosted.Text);
        Assert.DoesNotContain(outsider.Drain(), r => r.Event?.RoomEvent?.MessagePosted is not null);
    }

    [Fact]
    public async Task Presence_says_who_has_a_live_stream_and_a_second_stream_closing_does_not_hide_them()
    {
        await using var bob = new ConverseClient(_server.Channel(_f.BobToken));
        await bob.JoinAndCatchUpAsync(_f.RoomId);

        var annFirst = new ConverseClient(_server.Channel(_f.AnnToken));
        await annFirst.JoinAndCatchUpAsync(_f.RoomId);
        var online = await bob.NextAsync(r => r.Event?.Presence?.UserId == _f.Ann);
        await using (var annSecond = new ConverseClient(_server.Channel(_f.AnnToken)))
        {
            await annSecond.JoinAndCatchUpAsync(_f.RoomId);
        }

        await annFirst.DisposeAsync();
        var offline = await bob.NextAsync(r => r.Event?.Presence?.UserId == _f.Ann);

        Assert.True(online.Event.Presence.Online);
        Assert.False(offline.Event.Presence.Online);
        Assert.DoesNotContain(bob.Drain(), r => r.Event?.Presence?.UserId == _f.Ann);
    }

    [Fact]
    public async Task Live_streams_end_with_unavailable_when_the_server_shuts_down_so_clients_resume_elsewhere()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite");
        var f = await Fixture.CreateAsync(server);
        await using var converse = new ConverseClient(server.Channel(f.AnnToken));
        await converse.JoinAndCatchUpAsync(f.RoomId);
        using var subscribe = new ChatServiceClient(server.Channel(f.BobToken)).Subscribe(new SubscribeRequest { Rooms = { new RoomCursor { RoomId = f.RoomId } } });
        while (await subscribe.ResponseStream.MoveNext() && subscribe.ResponseStream.Current.Event.CaughtUp is null)
        {
        }

        var stopping = server.Test.Server.StopAsync();
        var subscribeEnd = await Assert.ThrowsAsync<RpcException>(() => subscribe.ResponseStream.MoveNext());
        var converseEnd = await converse.WaitForEndAsync();
        await stopping;

        Assert.True(subscribeEnd.StatusCode == StatusCode.Unavailable, "subscribe: " + subscribeEnd.Status);
        Assert.Equal("SERVER_SHUTTING_DOWN", subscribeEnd.GetDetail<ErrorInfo>()?.Reason);
        // Converse ends too (it does not hold shutdown up); its status can lose the race against the connection
        // closing, so only that it ended is asserted here. Known gap, see the chat closing note.
        Assert.NotNull(converseEnd);
    }

    [Fact]
    public async Task A_slow_consumer_is_cut_off_with_where_to_resume_and_others_are_unaffected()
    {
        var chat = new ChatServiceClient(_server.Channel(_f.BobToken));
        using var slow = new ChatServiceClient(_server.Channel(_f.AnnToken)).Converse();
        await slow.RequestStream.WriteAsync(new ConverseRequest { Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = _f.RoomId } } });
        await using var fast = new ConverseClient(_server.Channel(_f.BobToken));
        await fast.JoinAndCatchUpAsync(_f.RoomId);

        // The slow one never reads: transport buffers fill, then its bounded queue, then it is told to go.
        var text = new string('y', 8 * 1024);
        const int Count = 300;
        for (var i = 0; i < Count; i++)
        {
            await chat.SendMessageAsync(new SendMessageRequest { RoomId = _f.RoomId, Text = text });
        }

        var received = await fast.RoomEventsAsync(_f.RoomId, Count);
        RpcException? cutOff = null;
        var lastReceived = 0L;
        try
        {
            while (await slow.ResponseStream.MoveNext())
            {
                if (slow.ResponseStream.Current.Event?.RoomEvent is { } got)
                {
                    lastReceived = got.Sequence;
                }
            }
        }
        catch (RpcException ex)
        {
            cutOff = ex;
        }

        Assert.Equal(Count, received.Count);
        Assert.Equal(received.Select(e => e.Sequence), received.Select(e => e.Sequence).Order());
        Assert.NotNull(cutOff);
        Assert.True(cutOff.StatusCode == StatusCode.ResourceExhausted, cutOff.Status.ToString());
        Assert.Equal("SUBSCRIBER_TOO_SLOW", cutOff.GetDetail<ErrorInfo>()?.Reason);
        var resume = cutOff.GetDetail<ResumePoint>();
        Assert.NotNull(resume);
        Assert.Equal(_f.RoomId, resume.Rooms.Single().RoomId);
        Assert.InRange(resume.Rooms.Single().AfterSequence, 0, received[^1].Sequence - 1);

        // Resuming from the resume point misses nothing and repeats nothing: it is exactly what the slow one got.
        Assert.Equal(lastReceived, resume.Rooms.Single().AfterSequence);
    }

    [Fact]
    public async Task A_flood_of_sends_is_rate_limited_with_retry_info_and_nothing_extra_is_stored()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", "--Atom:Chat:SendBurst=5", "--Atom:Chat:SendsPerSecond=1");
        var f = await Fixture.CreateAsync(server);
        await using var ann = new ConverseClient(server.Channel(f.AnnToken));

        var replies = new List<ConverseResponse>();
        for (var i = 0; i < 8; i++)
        {
            replies.Add(await ann.ReplyToAsync(await ann.SendAsync(new ConverseRequest { Send = new SendMessageRequest { RoomId = f.RoomId, Text = "flood " + i } })));
        }

        var limited = replies.Where(r => r.Error is not null).ToList();
        var log = await ChatRooms.LogAsync(server, f.TenantId, f.RoomId);

        Assert.Equal(5, replies.Count(r => r.Reply is not null));
        Assert.Equal(3, limited.Count);
        Assert.All(limited, r => Assert.Equal((int)StatusCode.ResourceExhausted, r.Error.Status.Code));
        Assert.Contains(limited[0].Error.Status.Details, d => d.Is(RetryInfo.Descriptor));
        Assert.Equal(5, log.Count(e => e.MessageId is not null));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Subscribe_over_grpc_web_delivers_what_send_message_stores(string provider)
    {
        await using var server = await IdentityApiServer.StartAsync(provider);
        var f = await Fixture.CreateAsync(server);
        var chat = new ChatServiceClient(server.Channel(f.AnnToken, Face.GrpcWeb));
        var first = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = f.RoomId, Text = "one" })).Message;

        using var subscription = new ChatServiceClient(server.Channel(f.BobToken, Face.GrpcWeb)).Subscribe(new SubscribeRequest { Rooms = { new RoomCursor { RoomId = f.RoomId } } });
        var caughtUp = new List<ChatEvent>();
        while (await subscription.ResponseStream.MoveNext() && subscription.ResponseStream.Current.Event.CaughtUp is null)
        {
            caughtUp.Add(subscription.ResponseStream.Current.Event);
        }

        var second = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = f.RoomId, Text = "two" })).Message;
        Assert.True(await subscription.ResponseStream.MoveNext());
        var live = subscription.ResponseStream.Current.Event;

        // The history from the start: the viewer joining, then the first message.
        Assert.Equal([1L, 2L], caughtUp.Select(e => e.RoomEvent.Sequence));
        Assert.Equal(first.Id, caughtUp[^1].RoomEvent.MessagePosted.Id);
        Assert.Equal(second.Id, live.RoomEvent.MessagePosted.Id);
        Assert.Equal(first.Sequence + 1, second.Sequence);
    }

    private static async Task<Atom.Google.Rpc.Status> ErrorFor(ConverseClient client, ConverseRequest request)
    {
        var response = await client.ReplyToAsync(await client.SendAsync(request));
        Assert.NotNull(response.Error);
        return response.Error.Status;
    }

    private static string? Field(Atom.Google.Rpc.Status status) =>
        status.Details.FirstOrDefault(d => d.Is(BadRequest.Descriptor))?.Unpack<BadRequest>().FieldViolations.Single().Field;

    /// <summary>Ann owns a public room with Bob as member and a viewer; a private room has Ann and Bob; an outsider is in neither.</summary>
    internal sealed record Fixture(string TenantId, string Ann, string AnnToken, string Bob, string BobToken, string ViewerToken, string OutsiderToken, string RoomId, string PrivateRoomId)
    {
        public static async Task<Fixture> CreateAsync(IdentityApiServer server)
        {
            var (ann, annIn) = await server.CreateSignedInUserAsync("ann@example.com");
            var (bob, bobIn) = await server.CreateSignedInUserAsync("bob@example.com");
            var (viewer, viewerIn) = await server.CreateSignedInUserAsync("vera@example.com");
            var (_, outsiderIn) = await server.CreateSignedInUserAsync("otto@example.com");
            var room = await ChatRooms.CreateAsync(server, ann.TenantId, ann.Id, "general", RoomVisibility.Public, bob.Id);
            await ChatRooms.SetRoleAsync(server, ann.TenantId, room.Id, viewer.Id, RoomRole.Viewer, ann.Id);
            var secret = await ChatRooms.CreateAsync(server, ann.TenantId, ann.Id, "secret", RoomVisibility.Private, bob.Id);
            return new Fixture(ann.TenantId, ann.Id, annIn.Tokens.AccessToken, bob.Id, bobIn.Tokens.AccessToken, viewerIn.Tokens.AccessToken, outsiderIn.Tokens.AccessToken, room.Id, secret.Id);
        }
    }

    /// <summary>Reads the room's latest sequence through the store (RoomService is tested on its own).</summary>
    private sealed class RoomServiceProbe(IdentityApiServer server, Fixture f)
    {
        public async Task<long> LastSequenceAsync() =>
            await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Atom.Server.Chat.Stores.RoomEventLog>(server.Test.Server.Services).LastSequenceAsync(f.TenantId, f.RoomId) ?? 0;
    }
}
