using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>
/// espeak-ng behind one worker thread: the library keeps the voice, the parameters and the callback in globals, so every
/// call goes through this thread's queue, one synthesis at a time. Audio leaves through a static
/// <see cref="UnmanagedCallersOnlyAttribute"/> callback into the current job's bounded channel; a consumer that stops
/// reading, cancels or outlasts the timeout makes the callback return 1, which aborts espeak_Synth.
/// </summary>
internal sealed class EspeakEngine : IDisposable
{
    private const int BlockMilliseconds = 100;

    private static readonly Lock SharedLock = new();

    // Set and read only on the worker thread: the callback runs inside espeak_Synth on that thread.
    private static Job? current;

    // The library's state is the process's: a second engine (a second server in one process, as tests run them) would
    // call it from a second thread at the same time, and its Terminate would end the first one's.
    private static EspeakEngine? shared;

    private readonly BlockingCollection<Action> work = new();
    private readonly Thread worker;
    private readonly string? dataPath;
    private readonly TimeSpan timeout;
    private int sampleRate;
    private string? failure;

    private EspeakEngine(string? dataPath, TimeSpan timeout)
    {
        this.dataPath = dataPath;
        this.timeout = timeout;
        worker = new Thread(Run) { IsBackground = true, Name = "espeak-ng" };
        worker.Start();
    }

    /// <summary>The process's one engine, created by the first caller with its settings.</summary>
    /// <param name="dataPath">espeak-ng's data directory; null for the library's own.</param>
    /// <param name="timeout">How long one synthesis may take.</param>
    /// <returns>The engine.</returns>
    public static EspeakEngine Shared(string? dataPath, TimeSpan timeout)
    {
        lock (SharedLock)
        {
            return shared ??= new EspeakEngine(dataPath, timeout);
        }
    }

    /// <summary>Whether the library can be loaded at all; null when it can, else why not.</summary>
    public static string? Probe()
    {
        if (!NativeLibrary.TryLoad(EspeakNative.Library, out var handle))
        {
            return $"{EspeakNative.Library} not found: install libespeak-ng1 and espeak-ng (apt-get; ./build.sh does)";
        }

        NativeLibrary.Free(handle);
        return null;
    }

    /// <summary>Gets the voices and the library's data directory.</summary>
    public Task<(IReadOnlyList<SynthesisVoice> Voices, string? DataPath)> ListVoicesAsync() => InvokeAsync(() =>
    {
        var list = EspeakNative.espeak_ListVoices(IntPtr.Zero);
        var voices = new List<SynthesisVoice>();
        for (var i = 0; list != IntPtr.Zero; i++)
        {
            var voice = Marshal.ReadIntPtr(list, i * IntPtr.Size);
            if (voice == IntPtr.Zero)
            {
                break;
            }

            voices.Add(ReadVoice(voice));
        }

        EspeakNative.espeak_Info(out var path);
        return ((IReadOnlyList<SynthesisVoice>)voices, Marshal.PtrToStringUTF8(path));
    });

    /// <summary>Speaks <paramref name="text"/>; the samples are mono 16-bit at <see cref="SampleRateAsync"/>.</summary>
    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, string voice, int wordsPerMinute, int pitch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var job = new Job(timeout, cancellationToken);
        var done = InvokeAsync(() => Run(job, text, voice, wordsPerMinute, pitch));
        try
        {
            await foreach (var block in job.Blocks.Reader.ReadAllAsync(cancellationToken))
            {
                yield return block;
            }

            await done;
        }
        finally
        {
            // Stopping early (a dispose, a cancel) must free the worker for the next request before this returns.
            job.Abort();
            await ((Task)done).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Gets the rate of the samples: espeak's own, 22050 Hz.</summary>
    public Task<int> SampleRateAsync() => InvokeAsync(() => sampleRate);

    public void Dispose()
    {
        if (!work.IsAddingCompleted)
        {
            work.Add(() =>
            {
                if (sampleRate > 0)
                {
                    _ = EspeakNative.espeak_Terminate();
                }
            });
            work.CompleteAdding();
            worker.Join(TimeSpan.FromSeconds(5));
        }

        work.Dispose();
    }

    private Task<T> InvokeAsync<T>(Func<T> call)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            work.Add(() =>
            {
                try
                {
                    Initialize();
                    result.SetResult(call());
                }
                catch (Exception e)
                {
                    result.SetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            result.SetException(new ObjectDisposedException(nameof(EspeakEngine)));
        }

        return result.Task;
    }

    private void Run()
    {
        foreach (var action in work.GetConsumingEnumerable())
        {
            action();
        }
    }

    private void Initialize()
    {
        if (sampleRate > 0)
        {
            return;
        }

        if (failure is not null)
        {
            throw new SpeechSynthesisUnavailableException(failure);
        }

        try
        {
            var rate = EspeakNative.espeak_Initialize(
                EspeakNative.AudioOutputSynchronous, BlockMilliseconds, dataPath is null ? null : EspeakNative.Utf8(dataPath), EspeakNative.InitializeDontExit);
            if (rate <= 0)
            {
                failure = $"espeak-ng could not start (espeak_Initialize returned {rate}): is its data (espeak-ng-data) installed{(dataPath is null ? string.Empty : $" under {dataPath}")}?";
                throw new SpeechSynthesisUnavailableException(failure);
            }

            var callback = typeof(EspeakEngine).GetMethod(nameof(OnSynth), BindingFlags.NonPublic | BindingFlags.Static)!;
            EspeakNative.espeak_SetSynthCallback(callback.MethodHandle.GetFunctionPointer());
            sampleRate = rate;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            failure = $"{EspeakNative.Library} cannot be loaded: {e.Message}";
            throw new SpeechSynthesisUnavailableException(failure, e);
        }
    }

    private static int Run(Job job, string text, string voice, int wordsPerMinute, int pitch)
    {
        try
        {
            if (EspeakNative.espeak_SetVoiceByName(EspeakNative.Utf8(voice)) != EspeakNative.Ok)
            {
                throw new SynthesisRequestException("voice", $"espeak-ng has no voice '{voice}'.");
            }

            // Parameters are global and outlive a call: every request sets all of them.
            if (EspeakNative.espeak_SetParameter(EspeakNative.ParameterRate, wordsPerMinute, 0) != EspeakNative.Ok
                || EspeakNative.espeak_SetParameter(EspeakNative.ParameterPitch, pitch, 0) != EspeakNative.Ok)
            {
                throw new SpeechSynthesisUnavailableException($"espeak-ng refused a rate of {wordsPerMinute} words per minute or a pitch of {pitch}.");
            }
            var bytes = EspeakNative.Utf8(text);
            current = job;
            var status = EspeakNative.espeak_Synth(bytes, (nuint)bytes.Length, 0, EspeakNative.PositionCharacter, 0, EspeakNative.SynthFlags, IntPtr.Zero, IntPtr.Zero);
            current = null;
            job.Complete(status);
        }
        catch (Exception e)
        {
            current = null;
            job.Blocks.Writer.TryComplete(e);
        }

        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnSynth(IntPtr wav, int count, IntPtr events)
    {
        // No exception may cross back into C: any failure aborts this synthesis instead.
        try
        {
            var job = current;
            if (job is null)
            {
                return 1;
            }

            if (wav != IntPtr.Zero && count > 0)
            {
                var block = new short[count];
                Marshal.Copy(wav, block, 0, count);
                return job.Deliver(block) ? 0 : 1;
            }

            return job.Stopped ? 1 : 0;
        }
        catch (Exception)
        {
            return 1;
        }
    }

    /// <summary>One synthesis: its bounded queue of blocks and the reasons it may have to stop.</summary>
    private sealed class Job : IDisposable
    {
        private readonly CancellationTokenSource stop;
        private readonly CancellationToken caller;
        private readonly TimeSpan timeout;

        public Job(TimeSpan timeout, CancellationToken caller)
        {
            this.caller = caller;
            this.timeout = timeout;
            stop = CancellationTokenSource.CreateLinkedTokenSource(caller);
            stop.CancelAfter(timeout);
        }

        public Channel<short[]> Blocks { get; } = Channel.CreateBounded<short[]>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });

        public bool Stopped => stop.IsCancellationRequested;

        /// <summary>Queues a block, waiting while the consumer is behind; false when the job must stop.</summary>
        public bool Deliver(short[] block)
        {
            if (Blocks.Writer.TryWrite(block))
            {
                return !Stopped;
            }

            try
            {
                return Blocks.Writer.WaitToWriteAsync(stop.Token).AsTask().GetAwaiter().GetResult() && Blocks.Writer.TryWrite(block);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Complete(int status)
        {
            Exception? error = null;
            if (Stopped && !caller.IsCancellationRequested)
            {
                error = new TimeoutException($"espeak-ng took longer than {timeout.TotalSeconds:0} s (or its reader stopped reading) and was stopped.");
            }
            else if (status != EspeakNative.Ok && !Stopped)
            {
                error = new SpeechSynthesisUnavailableException($"espeak-ng failed to synthesize (espeak_Synth returned {status}).");
            }

            Blocks.Writer.TryComplete(error);
        }

        public void Abort() => stop.Cancel();

        public void Dispose() => stop.Dispose();
    }

    private static SynthesisVoice ReadVoice(IntPtr voice)
    {
        // espeak_VOICE: name, languages, identifier (three pointers), then gender, age, variant bytes.
        var name = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(voice, 0)) ?? string.Empty;
        var languages = new List<string>();
        var at = Marshal.ReadIntPtr(voice, IntPtr.Size);
        // A list of (priority byte, NUL-terminated language), ended by a zero priority.
        while (at != IntPtr.Zero && Marshal.ReadByte(at) != 0)
        {
            var language = Marshal.PtrToStringUTF8(at + 1) ?? string.Empty;
            languages.Add(language.ToLowerInvariant());
            at += 1 + System.Text.Encoding.UTF8.GetByteCount(language) + 1;
        }

        var gender = Marshal.ReadByte(voice, 3 * IntPtr.Size) switch { 1 => "male", 2 => "female", _ => null };
        var identifier = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(voice, 2 * IntPtr.Size)) ?? name;
        return new SynthesisVoice(languages.Count > 0 ? languages[0] : identifier, name, languages, gender);
    }
}
