using System.Globalization;
using Atom.Server.Chat;
using Atom.Server.Files;
using Atom.Server.Files.Pipeline;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Stores;

namespace Atom.Server.Hosting;

/// <summary>
/// Chat's view of files, read from the file store. It lives in the composition root so that neither capability refers
/// to the other: a message attaches only files shared in its room, so everyone who reads the message can open them, and
/// a voice message's transcript is its recording's text.
/// </summary>
/// <param name="files">The files.</param>
internal sealed class RoomFileAttachments(FileStore files) : IMessageAttachments
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> FindInRoomAsync(string tenantId, string roomId, IReadOnlyCollection<string> fileIds, CancellationToken cancellationToken) =>
        (await files.ListInRoomAsync(tenantId, roomId, fileIds, cancellationToken)).ToDictionary(f => f.Id, f => f.Name, StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<Recording?> FindRecordingAsync(string tenantId, string roomId, string fileId, CancellationToken cancellationToken)
    {
        var file = await files.GetAsync(tenantId, fileId, withText: true, cancellationToken);
        if (file is null || file.RoomId != roomId)
        {
            return null;
        }

        var processing = file.State is FileStatus.Processing or FileStatus.PendingScan;
        var isAudio = string.Equals(file.Category, nameof(FileCategory.Audio), StringComparison.OrdinalIgnoreCase)
            || (processing && file.DeclaredType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase));
        var transcription = file.Metadata.GetValueOrDefault(ContentMetadataKeys.Transcription);
        var state = file.State switch
        {
            _ when processing => VoiceTranscriptState.Pending,
            FileStatus.Ready when transcription == TranscriptQueue.Pending => VoiceTranscriptState.Pending,
            FileStatus.Ready when transcription is "done" or "truncated" or "no-speech" => VoiceTranscriptState.Ready,
            _ => VoiceTranscriptState.Unavailable,
        };
        TimeSpan? duration = double.TryParse(file.Metadata.GetValueOrDefault(ContentMetadataKeys.DurationSeconds), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
        return new Recording(file.MediaType.Length > 0 ? file.MediaType : file.DeclaredType, isAudio, duration, state,
            state == VoiceTranscriptState.Ready ? file.Text ?? string.Empty : string.Empty);
    }
}
