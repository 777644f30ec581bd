namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// Cuts conditioned audio into utterances by voice activity alone, for engines that only take whole recordings: an utterance
/// starts at the first voiced block (with 300 ms of what came before), ends after <see cref="SpeechRecognitionOptions.LongestPause"/>
/// of silence or at <see cref="SpeechRecognitionOptions.MaxUtterance"/>, and is dropped when it holds less than 150 ms of voice
/// (a click, a cough). Silence between utterances is never kept: Whisper models invent text for silence.
/// </summary>
internal sealed class UtteranceSegmenter(SpeechRecognitionOptions options)
{
    private const int PrerollSamples = 4800;
    private const int MinVoicedSamples = 2400;

    private readonly AudioConditioner conditioner = new(options.Conditioning);
    // Without the words, a pause cannot tell a finished utterance from one that goes on: only the longest pause ends one.
    private readonly long endOfSpeech = (long)(options.LongestPause.TotalSeconds * WavEncoder.SampleRate);
    private readonly long maxUtterance = (long)(options.MaxUtterance.TotalSeconds * WavEncoder.SampleRate);
    private readonly short[] block = new short[VoiceActivityDetector.BlockSamples];
    private readonly Queue<short[]> preroll = new();
    private readonly List<short> utterance = [];
    private long position;
    private long start;
    private long voiced;
    private bool collecting;

    /// <summary>Takes audio; calls <paramref name="completed"/> with each utterance it ends (samples and start sample).</summary>
    public void Accept(ReadOnlySpan<short> samples, Action<short[], long> completed)
    {
        while (!samples.IsEmpty)
        {
            var n = Math.Min(block.Length, samples.Length);
            var audio = block.AsSpan(0, n);
            conditioner.Process(samples[..n], audio);
            samples = samples[n..];
            position += n;
            var activity = conditioner.Activity;
            if (!collecting)
            {
                if (!activity.Voiced)
                {
                    preroll.Enqueue(audio.ToArray());
                    while (preroll.Count * VoiceActivityDetector.BlockSamples > PrerollSamples)
                    {
                        preroll.Dequeue();
                    }

                    continue;
                }

                collecting = true;
                voiced = 0;
                start = position - n;
                while (preroll.TryDequeue(out var before))
                {
                    utterance.AddRange(before);
                    start -= before.Length;
                }
            }

            utterance.AddRange(audio);
            voiced += activity.Loud ? n : 0;
            if (activity.SilentSamples >= endOfSpeech || utterance.Count >= maxUtterance)
            {
                End(completed);
            }
        }
    }

    /// <summary>Ends the utterance in progress, if any.</summary>
    public void Flush(Action<short[], long> completed)
    {
        if (collecting)
        {
            End(completed);
        }
    }

    private void End(Action<short[], long> completed)
    {
        if (voiced >= MinVoicedSamples)
        {
            completed([.. utterance], start);
        }

        utterance.Clear();
        collecting = false;
    }
}
