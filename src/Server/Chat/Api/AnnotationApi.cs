using Atom.Sdk;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Chat.Api;

/// <summary>
/// Implements atom.v1.AnnotationService: comments anchored to a message or a span of its text, each with a thread.
/// Whoever can read the room reads its annotations; members and above write them; their authors or the room's
/// moderators resolve and delete them. An archived room's annotations are read-only, like its messages.
/// </summary>
/// <remarks>Internal because it takes the internal <see cref="RoomGate"/>; clients know it by its contract only.</remarks>
/// <param name="annotations">The annotations.</param>
/// <param name="messages">The messages they are anchored to.</param>
/// <param name="gate">Who may do what in a room.</param>
internal sealed class AnnotationApi(AnnotationStore annotations, MessageStore messages, RoomGate gate) : AnnotationServiceBase
{
    /// <inheritdoc />
    public override async Task<CreateAnnotationResponse> CreateAnnotation(CreateAnnotationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var messageId = RequestRules.Id("message_id", request.MessageId);
        var text = RoomRules.AnnotationText("text", request.Text);
        if (request.Start < 0)
        {
            throw AtomErrors.InvalidField("start", "must not be negative.");
        }

        if (request.Length < 0)
        {
            throw AtomErrors.InvalidField("length", "must not be negative (0 means the whole message).");
        }

        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Member, "Annotating messages", context.CancellationToken);
        RoomGate.EnsureNotArchived(room);
        var message = await messages.GetAsync(caller.TenantId, room.Id, messageId, context.CancellationToken) ?? throw RpcErrors.NotFound("message", messageId);
        if (message.IsDeleted)
        {
            throw new MessageDeletedException(messageId);
        }

        EnsureSpanFits(request.Start, request.Length, message.Text);

        // The store checks the tombstone again under the room's lock: a delete racing with this is never missed.
        var annotation = await annotations.CreateAsync(caller.TenantId, room.Id, messageId, caller.PrincipalId, request.Start, request.Length, text, context.CancellationToken)
            ?? throw RpcErrors.NotFound("message", messageId);
        return new CreateAnnotationResponse { Annotation = annotation.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<ListAnnotationsResponse> ListAnnotations(ListAnnotationsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var messageId = RequestRules.Id("message_id", request.MessageId);
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        if (await messages.GetAsync(caller.TenantId, room.Id, messageId, context.CancellationToken) is null)
        {
            throw RpcErrors.NotFound("message", messageId);
        }

        var found = await annotations.ListAsync(caller.TenantId, room.Id, messageId, request.IncludeResolved, context.CancellationToken);
        return new ListAnnotationsResponse { Annotations = { found.Select(a => a.ToProto()) } };
    }

    /// <inheritdoc />
    public override async Task<AddAnnotationCommentResponse> AddAnnotationComment(AddAnnotationCommentRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var annotationId = RequestRules.Id("annotation_id", request.AnnotationId);
        var text = RoomRules.AnnotationText("text", request.Text);
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Member, "Commenting on annotations", context.CancellationToken);
        RoomGate.EnsureNotArchived(room);
        var annotation = await annotations.AddCommentAsync(caller.TenantId, room.Id, annotationId, caller.PrincipalId, text, context.CancellationToken)
            ?? throw RpcErrors.NotFound("annotation", annotationId);
        return new AddAnnotationCommentResponse { Annotation = annotation.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<ResolveAnnotationResponse> ResolveAnnotation(ResolveAnnotationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var annotationId = RequestRules.Id("annotation_id", request.AnnotationId);
        var (room, annotation) = await ChangeableAsync(caller, request.RoomId, annotationId, "Resolving annotations", context.CancellationToken);
        RoomGate.EnsureAuthorOrModerator(room, annotation.AuthorId, caller.PrincipalId, "Resolving another's annotation");
        var resolved = await annotations.SetResolvedAsync(caller.TenantId, room.Id, annotationId, request.Resolved, caller.PrincipalId, context.CancellationToken)
            ?? throw RpcErrors.NotFound("annotation", annotationId);
        return new ResolveAnnotationResponse { Annotation = resolved.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<DeleteAnnotationResponse> DeleteAnnotation(DeleteAnnotationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var annotationId = RequestRules.Id("annotation_id", request.AnnotationId);
        var (room, annotation) = await ChangeableAsync(caller, request.RoomId, annotationId, "Deleting annotations", context.CancellationToken);
        RoomGate.EnsureAuthorOrModerator(room, annotation.AuthorId, caller.PrincipalId, "Deleting another's annotation");
        return await annotations.DeleteAsync(caller.TenantId, room.Id, annotationId, context.CancellationToken)
            ? new DeleteAnnotationResponse()
            : throw RpcErrors.NotFound("annotation", annotationId);
    }

    /// <summary>
    /// Refuses a span that does not lie within the text, counted in code points (what a client sees as characters,
    /// whatever its string encoding). Length 0 anchors to the whole message, so it starts at 0.
    /// </summary>
    private static void EnsureSpanFits(int start, int length, string text)
    {
        var size = RoomRules.CodePoints(text);
        if (length == 0)
        {
            if (start != 0)
            {
                throw AtomErrors.InvalidField("start", "must be 0 when length is 0 (an annotation of the whole message).");
            }

            return;
        }

        if (start >= size)
        {
            throw AtomErrors.InvalidField("start", $"lies past the end of the message's text ({size} characters).");
        }

        if ((long)start + length > size)
        {
            throw AtomErrors.InvalidField("length", $"runs past the end of the message's text: from {start}, at most {size - start} characters.");
        }
    }

    /// <summary>A room whose annotations the caller may change (a member, the room not archived) and the annotation.</summary>
    private async Task<(Room Room, Annotation Annotation)> ChangeableAsync(Caller caller, string roomId, string annotationId, string action, CancellationToken cancellationToken)
    {
        var room = await gate.WithRoleAsync(caller, roomId, RoomRole.Member, action, cancellationToken);
        RoomGate.EnsureNotArchived(room);
        var annotation = await annotations.GetAsync(caller.TenantId, room.Id, annotationId, cancellationToken) ?? throw RpcErrors.NotFound("annotation", annotationId);
        return (room, annotation);
    }
}
