using Atom.Sdk;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Profiles;
using Atom.Server.Voice.Recognition;
using Atom.Server.Voice.Synthesis;
using Atom.V1;
using Google.Protobuf.Collections;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>What a voice request may hold: each rule names the field it refuses and why.</summary>
internal static class VoiceRules
{
    private const int MaxHints = 100;

    private const int MaxHintLength = 100;

    public static AudioSourceFormat SourceFormat(string field, AudioFormat? format)
    {
        if (format is null)
        {
            throw AtomErrors.InvalidField(field, "is required: the audio's encoding (and for LINEAR16 its sample rate).");
        }

        var container = format.Encoding switch
        {
            AudioEncoding.Unspecified or AudioEncoding.Linear16 => AudioContainer.RawPcm,
            AudioEncoding.Wav => AudioContainer.Wav,
            AudioEncoding.Mp3 => AudioContainer.Mp3,
            AudioEncoding.Ogg => AudioContainer.Ogg,
            AudioEncoding.Flac => AudioContainer.Flac,
            AudioEncoding.Webm => AudioContainer.WebM,
            AudioEncoding.M4A => AudioContainer.M4a,
            _ => throw AtomErrors.InvalidField(field + ".encoding", $"{(int)format.Encoding} is not an audio encoding."),
        };
        if (container != AudioContainer.RawPcm)
        {
            return new AudioSourceFormat(container);
        }

        if (format.SampleRateHertz is < 8000 or > 48000)
        {
            throw AtomErrors.InvalidField(field + ".sample_rate_hertz", "LINEAR16 needs its sample rate, 8000 to 48000 Hz.");
        }

        if (format.Channels is < 0 or > 8)
        {
            throw AtomErrors.InvalidField(field + ".channels", "must be 1 to 8 (0 means 1).");
        }

        return new AudioSourceFormat(container, format.SampleRateHertz, Math.Max(1, format.Channels));
    }

    public static RecognitionOptions Recognition(string field, Atom.V1.RecognitionMode mode, string language, RepeatedField<string> hints)
    {
        var recognition = mode switch
        {
            Atom.V1.RecognitionMode.Unspecified or Atom.V1.RecognitionMode.Dictation => Server.Voice.Recognition.RecognitionMode.Dictation,
            Atom.V1.RecognitionMode.Commands => Server.Voice.Recognition.RecognitionMode.Commands,
            _ => throw AtomErrors.InvalidField(field + "mode", $"{(int)mode} is not a recognition mode."),
        };
        if (language.Length > 0 && !language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            throw AtomErrors.InvalidField(field + "language", $"'{language}' is not a language this server recognises; it knows en-US.");
        }

        if (hints.Count > MaxHints)
        {
            throw AtomErrors.InvalidField(field + "phrase_hints", $"has {hints.Count}; at most {MaxHints}.");
        }

        for (var i = 0; i < hints.Count; i++)
        {
            if (hints[i].Trim().Length is 0 or > MaxHintLength || hints[i].Any(char.IsControl))
            {
                throw AtomErrors.InvalidField($"{field}phrase_hints[{i}]", $"must be 1 to {MaxHintLength} printable characters.");
            }
        }

        // Hints name rooms and people: in commands mode they are what a spoken room name is matched against.
        var phrases = hints.Select(h => h.Trim()).ToList();
        return new RecognitionOptions
        {
            Mode = recognition,
            Language = language.Length > 0 ? language : null,
            PhraseHints = phrases,
            RoomNames = recognition == Server.Voice.Recognition.RecognitionMode.Commands ? phrases : [],
        };
    }

    public static SynthesisRequest Synthesis(SynthesizeRequest request, Profiles.VoiceProfile profile)
    {
        var format = request.Encoding switch
        {
            AudioEncoding.Unspecified or AudioEncoding.Wav => SynthesisFormat.Wav,
            AudioEncoding.Linear16 => SynthesisFormat.Pcm,
            AudioEncoding.Mp3 => SynthesisFormat.Mp3,
            AudioEncoding.Ogg => SynthesisFormat.OggOpus,
            _ => throw AtomErrors.InvalidField("encoding", "audio is returned as LINEAR16, WAV, OGG (Opus) or MP3."),
        };
        if (request.SampleRateHertz != 0 && request.SampleRateHertz is < 8000 or > 48000)
        {
            throw AtomErrors.InvalidField("sample_rate_hertz", "must be 8000 to 48000 Hz (0 for the default).");
        }

        return new SynthesisRequest
        {
            Text = request.Text,
            Voice = request.Voice.Length > 0 ? request.Voice : profile.Voice.Length > 0 ? profile.Voice : null,
            Speed = Factor("rate", request.Rate) is > 0 and var rate ? rate : profile.Rate > 0 ? profile.Rate : 1.0,
            Pitch = Factor("pitch", request.Pitch) is > 0 and var pitch ? pitch : profile.Pitch > 0 ? profile.Pitch : 1.0,
            Format = format,
            SampleRate = request.SampleRateHertz > 0 ? request.SampleRateHertz : null,
        };
    }

    /// <summary>The contract's name of a field the synthesizer refused.</summary>
    public static string SynthesisField(string field) => field switch
    {
        "speed" => "rate",
        "sample_rate" => "sample_rate_hertz",
        "format" => "encoding",
        _ => field,
    };

    /// <summary>A speed or pitch factor: 0 (the default) or 0.5 to 2.</summary>
    public static float Factor(string field, float value) =>
        value == 0 || (value >= SynthesisRequest.MinFactor && value <= SynthesisRequest.MaxFactor)
            ? value
            : throw AtomErrors.InvalidField(field, $"must be {SynthesisRequest.MinFactor} to {SynthesisRequest.MaxFactor} (1 is normal), or 0 for the default.");

    public static Atom.V1.VoiceProfile ToProto(Profiles.VoiceProfile profile) => new() { Voice = profile.Voice, Rate = profile.Rate, Pitch = profile.Pitch };
}
