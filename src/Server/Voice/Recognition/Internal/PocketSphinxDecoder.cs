using System.Runtime.InteropServices;
using System.Text;
using static Atom.Server.Voice.Recognition.Internal.PocketSphinxNative;

namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// One pocketsphinx decoder: the general language model as the default search, and a JSGF command grammar that can be swapped
/// in for one pass. Not thread-safe (pocketsphinx is not): one session uses it at a time. A native call that fails marks it
/// <see cref="Broken"/>, so the pool frees it instead of handing it to the next session.
/// </summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    /// <summary>The samples of one 10 ms frame: pocketsphinx's word times count frames.</summary>
    public const int FrameSamples = 160;

    private static readonly byte[] DictationSearch = Utf8("_default");
    private static readonly byte[] CommandSearch = Utf8("commands");

    private readonly DecoderHandle handle;
    private bool inUtterance;
    private bool onGrammar;

    private PocketSphinxDecoder(DecoderHandle handle) => this.handle = handle;

    /// <summary>Gets whether a native call failed: the decoder's state is unknown and it must not be reused.</summary>
    public bool Broken { get; private set; }

    /// <summary>Gets whether pocketsphinx's voice activity detector is in speech.</summary>
    public bool InSpeech => GetInSpeech(handle) != 0;

    /// <summary>Creates a decoder (about half a second: it loads the acoustic model, dictionary and language model).</summary>
    /// <exception cref="RecognitionUnavailableException">The library or the model cannot be loaded.</exception>
    public static PocketSphinxDecoder Create(IReadOnlyList<string> arguments)
    {
        var argv = new IntPtr[arguments.Count];
        try
        {
            for (var i = 0; i < argv.Length; i++)
            {
                argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }

            // Parsing copies the strings; ps_init retains the configuration, so ours is released either way.
            var config = ParseConfig(IntPtr.Zero, PocketSphinxNative.Arguments(), argv.Length, argv, 1);
            if (config == IntPtr.Zero)
            {
                throw new RecognitionUnavailableException($"pocketsphinx refused its configuration: {string.Join(' ', arguments)}");
            }

            var handle = Init(config);
            _ = FreeConfig(config);
            if (handle.IsInvalid)
            {
                handle.Dispose();
                throw new RecognitionUnavailableException($"pocketsphinx could not load its model ({string.Join(' ', arguments)})");
            }

            return new PocketSphinxDecoder(handle);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new RecognitionUnavailableException($"pocketsphinx is not installed ({e.Message}); install libpocketsphinx3 and pocketsphinx-en-us", e);
        }
        finally
        {
            foreach (var arg in argv)
            {
                Marshal.FreeCoTaskMem(arg);
            }
        }
    }

    /// <summary>Restarts the frame count, so word times count from the next sample fed.</summary>
    public void StartStream() => Check(PocketSphinxNative.StartStream(handle), "ps_start_stream");

    /// <summary>Starts an utterance on the current search.</summary>
    public void StartUtterance()
    {
        Check(PocketSphinxNative.StartUtterance(handle), "ps_start_utt");
        inUtterance = true;
    }

    /// <summary>Feeds 16 kHz mono samples to the open utterance.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="wholeUtterance">Whether these are all of the utterance (a second pass), which lets pocketsphinx normalize over all of it.</param>
    public void Process(ReadOnlySpan<short> samples, bool wholeUtterance = false)
    {
        if (!samples.IsEmpty)
        {
            Check(ProcessRaw(handle, in MemoryMarshal.GetReference(samples), (nuint)samples.Length, 0, wholeUtterance ? 1 : 0), "ps_process_raw");
        }
    }

    /// <summary>Ends the open utterance, running the final pass; a no-op when none is open.</summary>
    public void EndUtterance()
    {
        if (inUtterance)
        {
            inUtterance = false;
            Check(PocketSphinxNative.EndUtterance(handle), "ps_end_utt");
        }
    }

    /// <summary>The best hypothesis so far (partial while an utterance is open, final after it ends); empty for none.</summary>
    public string Hypothesis()
    {
        var text = GetHypothesis(handle, out _);
        return text == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }

    /// <summary>The words of the best hypothesis with their frames, without fillers (silence, breath, noise) and pronunciation variants.</summary>
    public List<RecognizedWord> Words()
    {
        var words = new List<RecognizedWord>();
        for (var segment = SegmentIterator(handle); segment != IntPtr.Zero; segment = SegmentNext(segment))
        {
            var word = Marshal.PtrToStringUTF8(SegmentWord(segment)) ?? string.Empty;
            if (word.Length == 0 || word[0] is '<' or '[')
            {
                continue;
            }

            SegmentFrames(segment, out var start, out var end);
            var variant = word.IndexOf('(', StringComparison.Ordinal);
            words.Add(new RecognizedWord(variant > 0 ? word[..variant] : word, start, end));
        }

        // ps_seg_next frees the iterator when it reaches the end.
        return words;
    }

    /// <summary>Whether the dictionary has <paramref name="word"/> (grammar words must be in it).</summary>
    public bool Knows(string word)
    {
        var phones = LookupWord(handle, Utf8(word));
        if (phones == IntPtr.Zero)
        {
            return false;
        }

        Free(phones);
        return true;
    }

    /// <summary>Compiles <paramref name="jsgf"/> as the command search and switches to it; false when pocketsphinx rejects it.</summary>
    public bool TryUseGrammar(string jsgf)
    {
        if (SetJsgfString(handle, CommandSearch, Utf8(jsgf)) != 0)
        {
            return false;
        }

        onGrammar = true;
        Check(SetSearch(handle, CommandSearch), "ps_set_search");
        return true;
    }

    /// <summary>Switches back to the general language model.</summary>
    public void UseDictation()
    {
        if (onGrammar)
        {
            Check(SetSearch(handle, DictationSearch), "ps_set_search");
            onGrammar = false;
        }
    }

    /// <summary>Readies the decoder for the next session: no open utterance, the language model on.</summary>
    public void Reset()
    {
        EndUtterance();
        UseDictation();
    }

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + '\0');

    private void Check(int result, string call)
    {
        if (result < 0)
        {
            Broken = true;
            throw new InvalidOperationException($"pocketsphinx {call} failed ({result})");
        }
    }
}

/// <summary>A recognized word and the 10 ms frames it spans, counted from the last <see cref="PocketSphinxDecoder.StartStream"/>.</summary>
internal readonly record struct RecognizedWord(string Text, int StartFrame, int EndFrame);
