using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Atom.Sdk;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atom.Server.Chat.Api;

/// <summary>
/// Implements atom.v1.ChatService: messages and everything done to them, stored before they are acknowledged and
/// delivered live in each room's sequence. Converse runs the same handlers as the unary calls, per event.
/// </summary>
/// <param name="messages">The messages.</param>
/// <param name="rooms">The rooms.</param>
/// <param name="gate">Room roles.</param>
/// <param name="fanout">Live delivery in this process.</param>
/// <param name="presence">Who is online where.</param>
/// <param name="source">Stored events, for catch-up.</param>
/// <param name="limiter">Send rate limits.</param>
/// <param name="attachments">Which files a message may attach: those shared in its room.</param>
/// <param name="options">Message limits.</param>
/// <param name="streamOptions">Live delivery limits.</param>
/// <param name="time">The clock.</param>
/// <param name="lifetime">Ends live streams when the server shuts down.</param>
internal sealed class ChatApi(
    MessageStore messages,
    RoomStore rooms,
    RoomGate gate,
    RoomFanout fanout,
    PresenceTracker presence,
    IRoomEventSource source,
    SendRateLimiter limiter,
    IMessageAttachments attachments,
    IOptions<ChatOptions> options,
    ChatStreamOptions streamOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime) : ChatServiceBase
{
    private const int MaxMentions = 50;
    private const int MaxAttachments = 20;
    private const int MaxEmojiBytes = 64;
    private const int MaxSubscribedRooms = 100;
    private static readonly TimeSpan TypingFor = TimeSpan.FromSeconds(6);

    /// <inheritdoc />
    public override async Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context) =>
        new() { Message = await SendAsync(context.GetCaller(), request, string.Empty, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        if (request.PageSize < 0)
        {
            throw AtomErrors.InvalidField("page_size", "must not be negative.");
        }

        if (request.BeforeSequence < 0)
        {
            throw AtomErrors.InvalidField("before_sequence", "must not be negative.");
        }

        var threadId = request.ThreadId.Length == 0 ? null : MessageId(request.ThreadId, "thread_id");
        var page = await messages.ListAsync(caller.TenantId, room.Id, request.BeforeSequence, request.PageSize, threadId, context.CancellationToken);
        return new ListMessagesResponse { Messages = { page.Messages.Select(m => m.ToProto()) }, NextBeforeSequence = page.NextBeforeSequence };
    }

    /// <inheritdoc />
    public override async Task<GetMessageResponse> GetMessage(GetMessageRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        return new GetMessageResponse { Message = (await FindAsync(caller, room, request.MessageId, context.CancellationToken)).ToProto() };
    }

    /// <inheritdoc />
    public override async Task<EditMessageResponse> EditMessage(EditMessageRequest request, ServerCallContext context) =>
        new() { Message = await EditAsync(context.GetCaller(), request, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<DeleteMessageResponse> DeleteMessage(DeleteMessageRequest request, ServerCallContext context) =>
        new() { Message = await DeleteAsync(context.GetCaller(), request, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<ListMessageEditsResponse> ListMessageEdits(ListMessageEditsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        var message = await FindAsync(caller, room, request.MessageId, context.CancellationToken);
        var edits = await messages.ListEditsAsync(caller.TenantId, room.Id, message.Id, context.CancellationToken);
        return new ListMessageEditsResponse { Edits = { edits.Select(e => e.ToProto()) } };
    }

    /// <inheritdoc />
    public override async Task<AddReactionResponse> AddReaction(AddReactionRequest request, ServerCallContext context) =>
        new() { Message = await ReactAsync(context.GetCaller(), request.RoomId, request.MessageId, request.Emoji, add: true, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<RemoveReactionResponse> RemoveReaction(RemoveReactionRequest request, ServerCallContext context) =>
        new() { Message = await ReactAsync(context.GetCaller(), request.RoomId, request.MessageId, request.Emoji, add: false, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<PinMessageResponse> PinMessage(PinMessageRequest request, ServerCallContext context) =>
        new() { Message = await PinAsync(context.GetCaller(), request.RoomId, request.MessageId, pin: true, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<UnpinMessageResponse> UnpinMessage(UnpinMessageRequest request, ServerCallContext context) =>
        new() { Message = await PinAsync(context.GetCaller(), request.RoomId, request.MessageId, pin: false, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<ListPinnedMessagesResponse> ListPinnedMessages(ListPinnedMessagesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        var pinned = await messages.ListPinnedAsync(caller.TenantId, room.Id, context.CancellationToken);
        return new ListPinnedMessagesResponse { Messages = { pinned.Select(m => m.ToProto()) } };
    }

    /// <inheritdoc />
    public override async Task<MarkReadResponse> MarkRead(MarkReadRequest request, ServerCallContext context) =>
        new() { Receipt = await MarkReadAsync(context.GetCaller(), request, context.CancellationToken) };

    /// <inheritdoc />
    public override async Task<ListReadReceiptsResponse> ListReadReceipts(ListReadReceiptsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        var receipts = await messages.ListReceiptsAsync(caller.TenantId, room.Id, context.CancellationToken);
        return new ListReadReceiptsResponse { Receipts = { receipts.Select(r => r.ToProto()) } };
    }

    /// <inheritdoc />
    public override async Task<SetTypingResponse> SetTyping(SetTypingRequest request, ServerCallContext context)
    {
        await TypingAsync(context.GetCaller(), request, context.CancellationToken);
        return new SetTypingResponse();
    }

    /// <inheritdoc />
    public override async Task Subscribe(SubscribeRequest request, IAsyncStreamWriter<SubscribeResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Rooms.Count == 0)
        {
            throw AtomErrors.InvalidField("rooms", "name at least one room.");
        }

        if (request.Rooms.Count > MaxSubscribedRooms)
        {
            throw AtomErrors.InvalidField("rooms", $"at most {MaxSubscribedRooms} rooms per stream.");
        }

        // Check every room before delivering anything: a bad cursor fails the call, not half of it.
        var cursors = new List<(string RoomId, long After, bool IsMember)>();
        for (var i = 0; i < request.Rooms.Count; i++)
        {
            cursors.Add(await CursorAsync(caller, request.Rooms[i], $"rooms[{i}]", context.CancellationToken));
        }

        await using var subscription = new ChatSubscription(fanout, source, streamOptions, caller.TenantId, caller.PrincipalId);
        foreach (var (roomId, after, isMember) in cursors)
        {
            subscription.Join(roomId, after, isMember);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var batch in subscription.ReadAllAsync(stop.Token))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    // One flush per batch. Not cancelled by shutdown: a write cut in half would leave the stream unable to carry the status.
                    responses.WriteOptions = i < batch.Count - 1 ? WriteOptions.Buffered : null;
                    await responses.WriteAsync(new SubscribeResponse { Event = batch[i] }, context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw ShuttingDown();
        }
    }

    /// <inheritdoc />
    public override async Task Converse(IAsyncStreamReader<ConverseRequest> requests, IAsyncStreamWriter<ConverseResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await using var subscription = new ChatSubscription(fanout, source, streamOptions, caller.TenantId, caller.PrincipalId);

        // One writer: replies to the client's events and the rooms' events share the response stream. The channel is
        // bounded, so a client that stops reading pushes back into its subscription, whose own bound then cuts it off.
        var outgoing = Channel.CreateBounded<ConverseResponse>(new BoundedChannelOptions(64) { SingleReader = true });
        var presentIn = new HashSet<string>(StringComparer.Ordinal);
        var written = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var deliver = DeliverAsync(subscription, outgoing.Writer, stop.Token);

        // A slow-consumer cut-off ends the call even while the client is not sending anything.
        _ = deliver.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Cancel(), stop, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        var write = WriteAllAsync(outgoing.Reader, responses, written, stop.Token, context.CancellationToken);
        try
        {
            while (await NextEventAsync(requests, outgoing.Writer, stop.Token))
            {
                var reply = await HandleAsync(caller, subscription, presentIn, written, requests.Current, stop.Token);
                await outgoing.Writer.WriteAsync(reply, stop.Token);
            }
        }
        catch (OperationCanceledException) when (deliver.IsFaulted || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Reported below, as the call's status.
        }
        finally
        {
            // Every room this stream announced the user in, whether or not it still receives it.
            foreach (var roomId in presentIn)
            {
                presence.Left(caller.TenantId, roomId, caller.PrincipalId);
            }

            // Ends delivery: the subscription's reader finishes what it holds and stops.
            await subscription.DisposeAsync();
        }

        RpcException? cutOff = null;
        try
        {
            await deliver;
        }
        catch (RpcException ex)
        {
            // Too slow: what is still queued is dropped (the resume point says where to pick up), but a write already
            // under way finishes first, so the status goes out after whole messages, never into the middle of one.
            cutOff = ex;
            await stop.CancelAsync();
        }

        outgoing.Writer.TryComplete();
        await write;
        if (cutOff is not null)
        {
            // Events still queued here were never written: the resume point is what the client was actually sent.
            throw WithResumePoint(cutOff, written);
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw ShuttingDown();
        }
    }

    /// <summary>The cut-off error with its resume point corrected to the last event of each room actually written.</summary>
    private static RpcException WithResumePoint(RpcException cutOff, ConcurrentDictionary<string, long> written)
    {
        var reported = cutOff.GetDetail<ResumePoint>() ?? new ResumePoint();
        var resume = new ResumePoint();
        foreach (var room in reported.Rooms)
        {
            // Every joined room has an entry from its join cursor on, so this is what the client holds.
            resume.Rooms.Add(new RoomCursor { RoomId = room.RoomId, AfterSequence = written.TryGetValue(room.RoomId, out var sent) ? sent : room.AfterSequence });
        }

        return new RpcException(cutOff.StatusCode, cutOff.Status.Detail, cutOff.GetDetail<Atom.Google.Rpc.ErrorInfo>() ?? AtomErrors.Info(ErrorReason.SubscriberTooSlow), resume);
    }

    /// <summary>Live streams end at shutdown instead of holding it up; UNAVAILABLE tells clients to reconnect (to another node) and resume.</summary>
    private static RpcException ShuttingDown() =>
        new(StatusCode.Unavailable, "The server is shutting down: reconnect and resume from the last sequence you received.",
            AtomErrors.Info(ErrorReason.ServerShuttingDown));

    /// <summary>Reads the next client event; one that cannot even be decoded is answered with an error and skipped.</summary>
    private static async Task<bool> NextEventAsync(IAsyncStreamReader<ConverseRequest> requests, ChannelWriter<ConverseResponse> outgoing, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await requests.MoveNext(cancellationToken);
            }
            catch (RequestMessageException garbage)
            {
                // No event_id to echo: it was inside the bytes that could not be read.
                await outgoing.WriteAsync(Failed(string.Empty, garbage.Error), cancellationToken);
            }
        }
    }

    private static async Task DeliverAsync(ChatSubscription subscription, ChannelWriter<ConverseResponse> outgoing, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in subscription.ReadAllAsync(cancellationToken))
            {
                foreach (var chatEvent in batch)
                {
                    await outgoing.WriteAsync(new ConverseResponse { Event = chatEvent }, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream is ending.
        }
    }

    private static async Task WriteAllAsync(ChannelReader<ConverseResponse> outgoing, IAsyncStreamWriter<ConverseResponse> responses, ConcurrentDictionary<string, long> written, CancellationToken stop, CancellationToken callEnded)
    {
        try
        {
            while (await outgoing.WaitToReadAsync(stop))
            {
                while (!stop.IsCancellationRequested && outgoing.TryRead(out var response))
                {
                    // One flush for whatever is ready. Not cancelled by stop: a write cut in half would leave the
                    // stream unable to carry the status.
                    responses.WriteOptions = outgoing.Count > 0 ? WriteOptions.Buffered : null;
                    await responses.WriteAsync(response, callEnded);
                    if (response.Event?.RoomEvent is { } sent)
                    {
                        written[sent.RoomId] = sent.Sequence;
                    }
                    else if (response.Event?.CaughtUp is { } caughtUp)
                    {
                        written[caughtUp.RoomId] = caughtUp.Sequence;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The stream is ending.
        }
    }

    /// <summary>One client event of a Converse stream: its reply, or its error (the stream stays up either way).</summary>
    private async Task<ConverseResponse> HandleAsync(Caller caller, ChatSubscription subscription, HashSet<string> presentIn, ConcurrentDictionary<string, long> written, ConverseRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (request.EventId.Length > 128)
            {
                throw AtomErrors.InvalidField("event_id", "must be at most 128 characters.");
            }

            var message = request.EventCase switch
            {
                ConverseRequest.EventOneofCase.Join => await JoinAsync(caller, subscription, presentIn, written, request.Join, cancellationToken),
                ConverseRequest.EventOneofCase.Leave => Leave(caller, subscription, presentIn, request.Leave),
                ConverseRequest.EventOneofCase.Send => await SendAsync(caller, request.Send, "send.", cancellationToken),
                ConverseRequest.EventOneofCase.Edit => await EditAsync(caller, request.Edit, cancellationToken),
                ConverseRequest.EventOneofCase.Delete => await DeleteAsync(caller, request.Delete, cancellationToken),
                ConverseRequest.EventOneofCase.React => await ReactAsync(caller, request.React.RoomId, request.React.MessageId, request.React.Emoji, add: true, cancellationToken),
                ConverseRequest.EventOneofCase.Unreact => await ReactAsync(caller, request.Unreact.RoomId, request.Unreact.MessageId, request.Unreact.Emoji, add: false, cancellationToken),
                ConverseRequest.EventOneofCase.Typing => await TypingAsync(caller, request.Typing, cancellationToken),
                ConverseRequest.EventOneofCase.MarkRead => await MarkReadQuietlyAsync(caller, request.MarkRead, cancellationToken),
                ConverseRequest.EventOneofCase.Ack => null,
                _ => throw AtomErrors.InvalidField("event", "is required: join, leave, send, edit, delete, react, unreact, typing, mark_read or ack."),
            };
            var reply = new EventReply { EventId = request.EventId };
            if (message is not null)
            {
                reply.Message = message;
            }

            return new ConverseResponse { Reply = reply };
        }
        catch (RpcException ex)
        {
            return Failed(request.EventId, ex);
        }
        catch (Storage.PreconditionFailedException ex)
        {
            return Failed(request.EventId, AtomErrors.Exception(StatusCode.FailedPrecondition, ErrorReason.FailedPrecondition, ex.Message));
        }
    }

    /// <summary>One client event's error, with the same google.rpc.Status a unary call would carry.</summary>
    private static ConverseResponse Failed(string eventId, RpcException error) => new()
    {
        Error = new EventError
        {
            EventId = eventId,
            Status = error.GetRpcStatus() ?? new Atom.Google.Rpc.Status { Code = (int)error.StatusCode, Message = error.Status.Detail },
        },
    };

    private async Task<Message?> JoinAsync(Caller caller, ChatSubscription subscription, HashSet<string> presentIn, ConcurrentDictionary<string, long> written, JoinRoomStream join, CancellationToken cancellationToken)
    {
        var (roomId, after, isMember) = await CursorAsync(caller, join.Cursor ?? new RoomCursor(), "join.cursor", cancellationToken);

        // What the client holds of the room before anything is written: the resume point if it is cut off early.
        written.TryAdd(roomId, after);
        subscription.Join(roomId, after, isMember);
        if (presentIn.Add(roomId))
        {
            presence.Arrived(caller.TenantId, roomId, caller.PrincipalId);
        }

        return null;
    }

    private Message? Leave(Caller caller, ChatSubscription subscription, HashSet<string> presentIn, LeaveRoomStream leave)
    {
        var roomId = RoomGate.RoomId(leave.RoomId, "leave.room_id");
        subscription.Leave(roomId, "left");
        if (presentIn.Remove(roomId))
        {
            presence.Left(caller.TenantId, roomId, caller.PrincipalId);
        }

        return null;
    }

    /// <summary>Checks a resume point: a room the caller may read, and a sequence it has reached.</summary>
    private async Task<(string RoomId, long After, bool IsMember)> CursorAsync(Caller caller, RoomCursor cursor, string field, CancellationToken cancellationToken)
    {
        var room = await gate.ReadableAsync(caller, RoomGate.RoomId(cursor.RoomId, field + ".room_id"), cancellationToken);
        if (cursor.AfterSequence < 0)
        {
            throw AtomErrors.InvalidField(field + ".after_sequence", "must not be negative.");
        }

        if (cursor.AfterSequence > room.LastSequence)
        {
            throw AtomErrors.InvalidField(field + ".after_sequence", $"is {cursor.AfterSequence}, but the room's latest event is {room.LastSequence}: a cursor cannot come from the future.");
        }

        return (room.Id, cursor.AfterSequence, room.ViewerRole != RoomRole.Unspecified);
    }

    private async Task<Message> SendAsync(Caller caller, SendMessageRequest request, string prefix, CancellationToken cancellationToken)
    {
        var room = await gate.ReadableAsync(caller, RoomGate.RoomId(request.RoomId, prefix + "room_id"), cancellationToken);
        RoomGate.EnsureRole(room, RoomRole.Member, "Sending messages");
        RoomGate.EnsureNotArchived(room);
        var text = request.Text;
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > options.Value.MaxMessageBytes)
        {
            throw AtomErrors.InvalidField(prefix + "text", $"is {bytes} bytes; the limit is {options.Value.MaxMessageBytes}.");
        }

        if (string.IsNullOrWhiteSpace(text) && request.Attachments.Count == 0 && request.VoiceFileId.Length == 0)
        {
            throw AtomErrors.InvalidField(prefix + "text", "is empty: send some text, an attachment or a voice file.");
        }

        if (request.Attachments.Count > MaxAttachments)
        {
            throw AtomErrors.InvalidField(prefix + "attachments", $"at most {MaxAttachments} per message.");
        }

        for (var i = 0; i < request.Attachments.Count; i++)
        {
            var attachment = request.Attachments[i];
            if (attachment.FileId.Length is 0 or > 64)
            {
                throw AtomErrors.InvalidField($"{prefix}attachments[{i}].file_id", "must be a file id.");
            }

            if (attachment.Name.Length > 255 || attachment.Name.Any(char.IsControl))
            {
                throw AtomErrors.InvalidField($"{prefix}attachments[{i}].name", "must be at most 255 printable characters.");
            }
        }

        var attached = await AttachmentsAsync(caller, room.Id, request.Attachments, prefix, cancellationToken);
        var voice = request.VoiceFileId.Length == 0 ? null : await VoiceAsync(caller, room.Id, request.VoiceFileId, prefix + "voice_file_id", cancellationToken);
        var mentions = request.MentionIds.Distinct(StringComparer.Ordinal).ToList();
        if (mentions.Count > MaxMentions)
        {
            throw AtomErrors.InvalidField(prefix + "mention_ids", $"at most {MaxMentions} people per message.");
        }

        if (mentions.Count > 0)
        {
            var members = (await rooms.MemberIdsAsync(caller.TenantId, room.Id, cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var stranger = mentions.FirstOrDefault(m => !members.Contains(m));
            if (stranger is not null)
            {
                throw AtomErrors.InvalidField(prefix + "mention_ids", $"'{stranger}' is not a member of this room.");
            }
        }

        string? replyTo = null;
        if (request.ReplyToId.Length > 0)
        {
            replyTo = (await FindAsync(caller, room, request.ReplyToId, cancellationToken, prefix + "reply_to_id")).Id;
        }

        var requestId = request.RequestId.Length <= 128 && !request.RequestId.Any(char.IsControl)
            ? request.RequestId
            : throw AtomErrors.InvalidField(prefix + "request_id", "must be at most 128 printable characters.");

        limiter.Take(caller.TenantId, caller.PrincipalId);
        var change = await messages.PostAsync(caller.TenantId, room.Id,
            new NewMessage(caller.PrincipalId, text, attached, mentions, replyTo, requestId) { Voice = voice },
            RoomEvents.MessagePosted, cancellationToken) ?? throw RpcErrors.NotFound("room", room.Id);
        fanout.PublishStored(caller.TenantId, change.Event);
        return change.Value.ToProto();
    }

    /// <summary>
    /// The attachments as stored: each must be a file shared in the room, so that everyone who can read the message can
    /// open what it attaches; a name left empty is the file's own.
    /// </summary>
    private async Task<List<Attachment>> AttachmentsAsync(Caller caller, string roomId, global::Google.Protobuf.Collections.RepeatedField<V1.Attachment> requested, string prefix, CancellationToken cancellationToken)
    {
        if (requested.Count == 0)
        {
            return [];
        }

        var found = await attachments.FindInRoomAsync(caller.TenantId, roomId, [.. requested.Select(a => a.FileId).Distinct(StringComparer.Ordinal)], cancellationToken);
        var result = new List<Attachment>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var attachment = requested[i];
            if (!found.TryGetValue(attachment.FileId, out var name))
            {
                throw AtomErrors.InvalidField($"{prefix}attachments[{i}].file_id", $"'{attachment.FileId}' is not a file shared in this room: upload it to the room first.");
            }

            result.Add(new Attachment(attachment.FileId, attachment.Name.Length > 0 ? attachment.Name : name));
        }

        return result;
    }

    /// <summary>
    /// A voice message's recording: an audio file shared in the room, like an attachment, so that everyone who reads the
    /// message can play it. One still being processed is taken when it was declared as audio; its transcript follows.
    /// </summary>
    private async Task<VoiceClip> VoiceAsync(Caller caller, string roomId, string fileId, string field, CancellationToken cancellationToken)
    {
        if (fileId.Length > 64 || fileId.Any(char.IsControl))
        {
            throw AtomErrors.InvalidField(field, "must be a file id.");
        }

        var recording = await attachments.FindRecordingAsync(caller.TenantId, roomId, fileId, cancellationToken)
            ?? throw AtomErrors.InvalidField(field, $"'{fileId}' is not a file shared in this room: upload it to the room first.");
        return recording switch
        {
            { IsAudio: true } => new VoiceClip(fileId, recording.Duration, recording.State, recording.Transcript),
            { MediaType.Length: 0 } => throw AtomErrors.InvalidField(field,
                $"'{fileId}' is still being processed and was not declared as audio: declare its audio/* type when uploading it, or send it once it is processed."),
            _ => throw AtomErrors.InvalidField(field, $"'{fileId}' is {recording.MediaType}, not audio."),
        };
    }

    private async Task<Message> EditAsync(Caller caller, EditMessageRequest request, CancellationToken cancellationToken)
    {
        var room = await gate.ReadableAsync(caller, request.RoomId, cancellationToken);
        RoomGate.EnsureRole(room, RoomRole.Member, "Editing messages");
        var message = await FindAsync(caller, room, request.MessageId, cancellationToken);
        if (message.SenderId != caller.PrincipalId)
        {
            throw new RpcException(StatusCode.PermissionDenied, "Only its sender may edit a message.", AtomErrors.Info(ErrorReason.PermissionDenied));
        }

        var bytes = Encoding.UTF8.GetByteCount(request.Text);
        if (string.IsNullOrWhiteSpace(request.Text) || bytes > options.Value.MaxMessageBytes)
        {
            throw AtomErrors.InvalidField("text", $"must not be empty and at most {options.Value.MaxMessageBytes} bytes (it is {bytes}).");
        }

        var change = await messages.EditAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, request.Text, RoomEvents.MessageEdited, cancellationToken)
            ?? throw RpcErrors.NotFound("message", message.Id);
        fanout.PublishStored(caller.TenantId, change.Event);
        return change.Value.ToProto();
    }

    private async Task<Message> DeleteAsync(Caller caller, DeleteMessageRequest request, CancellationToken cancellationToken)
    {
        var room = await gate.ReadableAsync(caller, request.RoomId, cancellationToken);
        var message = await FindAsync(caller, room, request.MessageId, cancellationToken);
        RoomGate.EnsureRole(room, message.SenderId == caller.PrincipalId ? RoomRole.Member : RoomRole.Moderator,
            message.SenderId == caller.PrincipalId ? "Deleting messages" : "Deleting someone else's message");
        var change = await messages.DeleteAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, RoomEvents.MessageDeleted, cancellationToken)
            ?? throw RpcErrors.NotFound("message", message.Id);
        fanout.PublishStored(caller.TenantId, change.Event);
        return change.Value.ToProto();
    }

    private async Task<Message> ReactAsync(Caller caller, string roomId, string messageId, string emoji, bool add, CancellationToken cancellationToken)
    {
        var room = await gate.ReadableAsync(caller, roomId, cancellationToken);
        RoomGate.EnsureRole(room, RoomRole.Member, "Reacting");
        var emojiBytes = Encoding.UTF8.GetByteCount(emoji);
        if (emojiBytes is 0 or > MaxEmojiBytes || emoji.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw AtomErrors.InvalidField("emoji", $"must be an emoji or short code of 1 to {MaxEmojiBytes} bytes without spaces.");
        }

        var message = await FindAsync(caller, room, messageId, cancellationToken);
        var change = (add
            ? await messages.AddReactionAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, emoji, RoomEvents.ReactionsChanged, cancellationToken)
            : await messages.RemoveReactionAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, emoji, RoomEvents.ReactionsChanged, cancellationToken))
            ?? throw RpcErrors.NotFound("message", message.Id);
        fanout.PublishStored(caller.TenantId, change.Event);
        return change.Value.ToProto();
    }

    private async Task<Message> PinAsync(Caller caller, string roomId, string messageId, bool pin, CancellationToken cancellationToken)
    {
        var room = await gate.WithRoleAsync(caller, roomId, RoomRole.Moderator, pin ? "Pinning" : "Unpinning", cancellationToken);
        var message = await FindAsync(caller, room, messageId, cancellationToken);
        var change = (pin
            ? await messages.PinAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, RoomEvents.PinChanged, cancellationToken)
            : await messages.UnpinAsync(caller.TenantId, room.Id, message.Id, caller.PrincipalId, RoomEvents.PinChanged, cancellationToken))
            ?? throw RpcErrors.NotFound("message", message.Id);
        fanout.PublishStored(caller.TenantId, change.Event);
        return change.Value.ToProto();
    }

    private async Task<Atom.V1.ReadReceipt> MarkReadAsync(Caller caller, MarkReadRequest request, CancellationToken cancellationToken)
    {
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Viewer, "Marking a room read", cancellationToken);
        if (request.Sequence < 0 || request.Sequence > room.LastSequence)
        {
            throw AtomErrors.InvalidField("sequence", $"must be between 0 and the room's latest event, {room.LastSequence}.");
        }

        var receipt = await messages.MarkReadAsync(caller.TenantId, room.Id, caller.PrincipalId, request.Sequence, cancellationToken)
            ?? throw RpcErrors.NotFound("room", room.Id);
        var proto = receipt.ToProto();
        fanout.PublishTransient(caller.TenantId, room.Id, new ChatEvent { Receipt = proto });
        return proto;
    }

    private async Task<Message?> MarkReadQuietlyAsync(Caller caller, MarkReadRequest request, CancellationToken cancellationToken)
    {
        // The receipt reaches the stream as a room event of its own; the reply only confirms.
        await MarkReadAsync(caller, request, cancellationToken);
        return null;
    }

    private async Task<Message?> TypingAsync(Caller caller, SetTypingRequest request, CancellationToken cancellationToken)
    {
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Member, "Typing", cancellationToken);
        var until = request.Typing ? time.GetUtcNow() + TypingFor : time.GetUtcNow();
        fanout.PublishTransient(caller.TenantId, room.Id, new ChatEvent
        {
            Typing = new TypingEvent { RoomId = room.Id, UserId = caller.PrincipalId, UntilTime = Timestamp.FromDateTimeOffset(until) },
        });
        return null;
    }

    private async Task<StoredMessage> FindAsync(Caller caller, Room room, string messageId, CancellationToken cancellationToken, string field = "message_id") =>
        await messages.GetAsync(caller.TenantId, room.Id, MessageId(messageId, field), cancellationToken) ?? throw RpcErrors.NotFound("message", messageId);

    private static string MessageId(string value, string field) =>
        value.Length is > 0 and <= 64 && !value.Any(char.IsControl) ? value : throw AtomErrors.InvalidField(field, value.Length == 0 ? "is required." : "is not a message id.");
}
