using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// The calls Atom makes into Debian's pocketsphinx 0.8+5prealpha (<c>libpocketsphinx3</c>) and sphinxbase. That release has the
/// OLD API: the configuration is a sphinxbase <c>cmd_ln_t</c> parsed from argv, <c>ps_get_hyp</c> takes no utterance id, and
/// <c>ps_seg_iter</c> takes no score. Strings go as NUL-terminated UTF-8 bytes: LibraryImport's string marshalling needs
/// AllowUnsafeBlocks for the whole server, and the runtime pins byte arrays and <c>in</c> spans of blittable data for the call.
/// </summary>
internal static class PocketSphinxNative
{
    public const string PocketSphinx = "libpocketsphinx.so.3";
    public const string SphinxBase = "libsphinxbase.so.3";

    [DllImport(PocketSphinx, EntryPoint = "ps_args")]
    public static extern IntPtr Arguments();

    [DllImport(SphinxBase, EntryPoint = "cmd_ln_parse_r")]
    public static extern IntPtr ParseConfig(IntPtr config, IntPtr definitions, int argc, IntPtr[] argv, int strict);

    [DllImport(SphinxBase, EntryPoint = "cmd_ln_free_r")]
    public static extern int FreeConfig(IntPtr config);

    [DllImport(SphinxBase, EntryPoint = "ckd_free")]
    public static extern void Free(IntPtr pointer);

    [DllImport(PocketSphinx, EntryPoint = "ps_init")]
    public static extern DecoderHandle Init(IntPtr config);

    [DllImport(PocketSphinx, EntryPoint = "ps_free")]
    public static extern int FreeDecoder(IntPtr decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_start_stream")]
    public static extern int StartStream(DecoderHandle decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_start_utt")]
    public static extern int StartUtterance(DecoderHandle decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_process_raw")]
    public static extern int ProcessRaw(DecoderHandle decoder, in short data, nuint samples, int noSearch, int fullUtterance);

    [DllImport(PocketSphinx, EntryPoint = "ps_end_utt")]
    public static extern int EndUtterance(DecoderHandle decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_get_in_speech")]
    public static extern byte GetInSpeech(DecoderHandle decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_get_hyp")]
    public static extern IntPtr GetHypothesis(DecoderHandle decoder, out int bestScore);

    [DllImport(PocketSphinx, EntryPoint = "ps_seg_iter")]
    public static extern IntPtr SegmentIterator(DecoderHandle decoder);

    [DllImport(PocketSphinx, EntryPoint = "ps_seg_next")]
    public static extern IntPtr SegmentNext(IntPtr segment);

    [DllImport(PocketSphinx, EntryPoint = "ps_seg_word")]
    public static extern IntPtr SegmentWord(IntPtr segment);

    [DllImport(PocketSphinx, EntryPoint = "ps_seg_frames")]
    public static extern void SegmentFrames(IntPtr segment, out int startFrame, out int endFrame);

    [DllImport(PocketSphinx, EntryPoint = "ps_set_jsgf_string")]
    public static extern int SetJsgfString(DecoderHandle decoder, byte[] name, byte[] grammar);

    [DllImport(PocketSphinx, EntryPoint = "ps_set_search")]
    public static extern int SetSearch(DecoderHandle decoder, byte[] name);

    [DllImport(PocketSphinx, EntryPoint = "ps_lookup_word")]
    public static extern IntPtr LookupWord(DecoderHandle decoder, byte[] word);
}

/// <summary>A pocketsphinx decoder (<c>ps_decoder_t</c>), freed with <c>ps_free</c>.</summary>
internal sealed class DecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DecoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        // ps_free answers the references left: 0 once freed, and ours is the only one.
        return PocketSphinxNative.FreeDecoder(handle) >= 0;
    }
}
