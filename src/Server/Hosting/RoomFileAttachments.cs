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
        var state = TranscriptStateOf(file);
        TimeSpan? duration = double.TryParse(file.Metadata.GetValueOrDefault(ContentMetadataKeys.DurationSeconds), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
        return new Recording(file.MediaType.Length > 0 ? file.MediaType : file.DeclaredType, isAudio, duration, state,
            state == VoiceTranscriptState.Ready ? file.Text ?? string.Empty : string.Empty);
    }

    /// <summary>Where a recording's transcript stands, from the file's state and its transcription mark; a file gone has none.</summary>
    /// <param name="file">The file, or null when it was deleted.</param>
    /// <returns>The state.</returns>
    public static VoiceTranscriptState TranscriptStateOf(FileRecord? file) => file?.State switch
    {
        FileStatus.Processing or FileStatus.PendingScan => VoiceTranscriptState.Pending,
        FileStatus.Ready => file.Metadata.GetValueOrDefault(ContentMetadataKeys.Transcription) switch
        {
            TranscriptQueue.Pending => VoiceTranscriptState.Pending,
            "done" or "truncated" or "no-speech" => VoiceTranscriptState.Ready,
            _ => VoiceTranscriptState.Unavailable,
        },
        _ => VoiceTranscriptState.Unavailable,
    };
}
