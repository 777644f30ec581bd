using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Jobs;

namespace Atom.Server.Chat.Transcripts;

/// <summary>
/// Attaches a recording's transcript to the voice messages waiting for it, each with a <c>transcript_attached</c> event
/// delivered live; the message is then indexed for search with what was said. A recording that can never be
/// transcribed (deleted, quarantined, unreadable, no engine) is attached as unavailable, so clients stop waiting.
/// </summary>
/// <param name="messages">The messages.</param>
/// <param name="attachments">The rooms' files, from the composition root.</param>
/// <param name="fanout">Live delivery.</param>
public sealed class VoiceTranscriptAttacher(MessageStore messages, IMessageAttachments attachments, RoomFanout fanout) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => VoiceTranscriptQueue.JobKind;

    /// <inheritdoc />
    public async Task HandleAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var tenantId = lease.Job.TenantId;
        var fileId = lease.Job.Payload;
        foreach (var (roomId, messageId) in await messages.ListAwaitingTranscriptAsync(tenantId, fileId, cancellationToken))
        {
            var recording = await attachments.FindRecordingAsync(tenantId, roomId, fileId, cancellationToken);
            var clip = recording switch
            {
                null => new VoiceClip(fileId, null, VoiceTranscriptState.Unavailable, string.Empty),
                { State: VoiceTranscriptState.Pending } => null,
                _ => new VoiceClip(fileId, recording.Duration, recording.IsAudio ? recording.State : VoiceTranscriptState.Unavailable, recording.IsAudio ? recording.Transcript : string.Empty),
            };
            if (clip is null)
            {
                continue; // still being transcribed: the recording's own change queues this again
            }

            var change = await messages.AttachTranscriptAsync(tenantId, roomId, messageId, clip, RoomEvents.TranscriptAttached, cancellationToken);
            fanout.PublishStored(tenantId, change?.Event);
        }
    }
}
