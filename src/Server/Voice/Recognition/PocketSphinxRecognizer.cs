using System.Globalization;
using System.Runtime.InteropServices;
using Atom.Server.Voice.Recognition.Internal;

namespace Atom.Server.Voice.Recognition;

/// <summary>
/// The embedded recognizer: Debian's pocketsphinx (<c>libpocketsphinx3</c>, model <c>pocketsphinx-en-us</c>) through P/Invoke.
/// A pool of up to <see cref="SpeechRecognitionOptions.MaxStreams"/> decoders, created on first use and reused, one per session
/// (pocketsphinx is not thread-safe). Dictation uses the general US English language model (about 25-30% word error rate on
/// read speech, 0.25-0.5 of real time per stream); commands add a grammar pass per utterance (see <see cref="RecognitionMode.Commands"/>).
/// Finals skip pocketsphinx's slower second passes unless <see cref="PocketSphinxOptions.AccurateFinals"/> is set.
/// </summary>
public sealed class PocketSphinxRecognizer : ISpeechRecognizer, IDisposable
{
    /// <summary>The provider name in the component catalog.</summary>
    public const string ProviderName = "pocketsphinx";

    private readonly SpeechRecognitionOptions options;
    private readonly DecoderPool pool;

    /// <summary>Initializes a new instance. No decoder is created until a session needs one.</summary>
    /// <param name="options">The settings.</param>
    public PocketSphinxRecognizer(SpeechRecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        var arguments = Arguments(options);
        pool = new DecoderPool(options.MaxStreams, () => PocketSphinxDecoder.Create(arguments));
    }

    /// <inheritdoc />
    public string Provider => ProviderName;

    /// <inheritdoc />
    public int MaxStreams => pool.Capacity;

    /// <summary>Gets how many sessions (and transcriptions) hold a decoder now.</summary>
    public int ActiveStreams => pool.InUse;

    /// <summary>Gets how many decoders are created and free.</summary>
    public int IdleDecoders => pool.Idle;

    /// <summary>Why pocketsphinx cannot run here (library or model missing) and how to fix it; null when it can.</summary>
    /// <param name="options">The settings.</param>
    public static string? Problem(PocketSphinxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var library in new[] { PocketSphinxNative.PocketSphinx, PocketSphinxNative.SphinxBase })
        {
            if (!NativeLibrary.TryLoad(library, out var loaded))
            {
                return $"{library} is not installed: install libpocketsphinx3 and pocketsphinx-en-us (./build.sh run does)";
            }

            NativeLibrary.Free(loaded);
        }

        var missing = new[] { options.AcousticModelPath, options.LanguageModelPath, options.DictionaryPath }
            .FirstOrDefault(path => !File.Exists(path) && !Directory.Exists(path));
        return missing is null ? null
            : $"the pocketsphinx model is missing ({missing}): install pocketsphinx-en-us (./build.sh run does), or set {SpeechRecognitionOptions.Section}:PocketSphinx:ModelDirectory";
    }

    /// <inheritdoc />
    public async ValueTask<IRecognitionSession> StartAsync(RecognitionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Open(await pool.RentAsync(wait: false, cancellationToken).ConfigureAwait(false), options);
    }

    /// <inheritdoc />
    public async Task<Transcript> TranscribeAsync(ReadOnlyMemory<short> samples, RecognitionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var session = Open(await pool.RentAsync(wait: true, cancellationToken).ConfigureAwait(false), options);
        await using (session.ConfigureAwait(false))
        {
            // Decoding is CPU work that blocks for as long as the recording lasts times the real-time factor.
            return await Task.Run(() => SessionTranscription.RunAsync(session, samples, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Frees the decoders; those still in sessions are freed when the sessions end.</summary>
    public void Dispose() => pool.Dispose();

    internal static List<string> Arguments(SpeechRecognitionOptions options)
    {
        var model = options.PocketSphinx;
        List<string> arguments =
        [
            "-hmm", model.AcousticModelPath, "-lm", model.LanguageModelPath, "-dict", model.DictionaryPath,
            "-logfn", "/dev/null",
            // pocketsphinx's own endpoint is the longest pause; the session ends utterances that can end sooner (EndOfSpeech).
            "-vad_postspeech", Math.Max(1, (int)(options.LongestPause.TotalMilliseconds / 10)).ToString(CultureInfo.InvariantCulture),
        ];
        if (!model.AccurateFinals)
        {
            arguments.AddRange(["-fwdflat", "no", "-bestpath", "no"]);
        }

        return arguments;
    }

    private PocketSphinxSession Open(DecoderLease lease, RecognitionOptions recognition)
    {
        try
        {
            return new PocketSphinxSession(lease, recognition, options);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
