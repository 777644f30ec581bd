using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using EngineSegment = Atom.Server.Voice.Recognition.TranscriptSegment;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>
/// Numbers a live transcript's segments as the contract says: partials share the index of the segment they will become,
/// and each final moves on to the next.
/// </summary>
/// <param name="finalsOnly">Whether partial segments are left out.</param>
internal sealed class SegmentNumbering(bool finalsOnly)
{
    private int _index;

    public IEnumerable<TranscribeResponse> Number(IReadOnlyList<EngineSegment> segments)
    {
        foreach (var segment in segments)
        {
            if (!segment.IsFinal && finalsOnly)
            {
                continue;
            }

            var response = new TranscribeResponse
            {
                Segment = new Atom.V1.TranscriptSegment
                {
                    Index = _index,
                    Text = segment.Text,
                    Final = segment.IsFinal,
                    StartOffset = Duration.FromTimeSpan(segment.Start),
                    EndOffset = Duration.FromTimeSpan(segment.End),
                    Confidence = segment.Confidence ?? 0,
                },
                Command = segment.Command is { } command ? ToProto(command) : null,
            };
            if (segment.IsFinal)
            {
                _index++;
            }

            yield return response;
        }
    }

    private static Atom.V1.VoiceCommand ToProto(Recognition.VoiceCommand command) => new()
    {
        Intent = command.Kind switch
        {
            Recognition.VoiceCommandKind.Search => VoiceIntent.Search,
            Recognition.VoiceCommandKind.SendMessage => VoiceIntent.SendMessage,
            Recognition.VoiceCommandKind.Summarize => VoiceIntent.SummarizeRoom,
            Recognition.VoiceCommandKind.OpenRoom => VoiceIntent.OpenRoom,
            Recognition.VoiceCommandKind.Upload => VoiceIntent.Upload,
            _ => VoiceIntent.Cancel,
        },
        Query = command.Query ?? string.Empty,
        Room = command.Room ?? string.Empty,
        Text = command.Text ?? string.Empty,
        Transcript = command.Heard,
    };
}
