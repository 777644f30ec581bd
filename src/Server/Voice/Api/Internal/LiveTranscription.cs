using System.Globalization;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>
/// A live transcription of the browser path: audio arrives in AppendAudio calls at byte offsets, is recognised by the same
/// <see cref="LiveRecognition"/> as Transcribe's, and its segments are kept in order for any number of WatchTranscript
/// calls, each of which replays them from the first and then follows. It belongs to the caller that started it.
/// </summary>
/// <remarks>
/// The segments kept are the finals so far and the latest partial only: a partial is replaced by the next segment with its
/// index, so a watcher that joins late (or reads slowly) loses nothing a transcript holds. Finals come at most one a pause
/// in at most <see cref="Audio.AudioOptions.MaxDuration"/> of audio, which bounds what is kept.
/// </remarks>
internal sealed class LiveTranscription : IDisposable
{
    private readonly LiveRecognition recognition;
    private readonly TimeProvider time;
    private readonly TimeSpan idleTimeout;
    private readonly SemaphoreSlim appending = new(1, 1);
    private readonly Lock gate = new();
    private readonly List<TranscribeResponse> finals = [];
    private readonly CancellationTokenSource stopped;
    private TranscribeResponse? partial;
    private long partialVersion;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long received;
    private long lastAudio;
    private AudioEnd audioEnd;
    private bool finished;
    private RpcException? error;

    /// <summary>Initializes a new instance; <see cref="RunAsync"/> starts it.</summary>
    /// <param name="id">The unguessable id.</param>
    /// <param name="tenantId">The owner's tenant.</param>
    /// <param name="principalId">The owner.</param>
    /// <param name="recognition">The recognition it feeds; it is the transcription's to dispose.</param>
    /// <param name="idleTimeout">How long without audio before the audio is taken as ended.</param>
    /// <param name="time">The clock.</param>
    /// <param name="stopping">Stops it at once (the server shutting down).</param>
    public LiveTranscription(string id, string tenantId, string principalId, LiveRecognition recognition, TimeSpan idleTimeout, TimeProvider time, CancellationToken stopping)
    {
        Id = id;
        TenantId = tenantId;
        PrincipalId = principalId;
        this.recognition = recognition;
        this.idleTimeout = idleTimeout;
        this.time = time;
        stopped = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lastAudio = time.GetTimestamp();
    }

    // Why no more audio is taken.
    private enum AudioEnd
    {
        None,
        Last,
        Idle,
        TooLong,
        Failed,
    }

    /// <summary>Gets the id.</summary>
    public string Id { get; }

    /// <summary>Gets the owner's tenant.</summary>
    public string TenantId { get; }

    /// <summary>Gets the owner.</summary>
    public string PrincipalId { get; }

    /// <summary>Raised with an error of the server's own (not the caller's audio) that ended the transcription, for the log.</summary>
    public event Action<Exception>? Failed;

    /// <summary>
    /// Recognises the audio until it ends (the last append, the idle timeout, an error, or <c>stopping</c>), then gives the
    /// engine's slot back. Watchers are told of each segment as it comes, and of the end.
    /// </summary>
    /// <returns>A task that completes when the transcription is finished; it never fails.</returns>
    public async Task RunAsync()
    {
        await Task.Yield();
        var idle = WatchIdleAsync();
        RpcException? failure = null;
        try
        {
            await recognition.RunAsync(Publish, stopped.Token);
        }
        catch (RpcException e)
        {
            failure = e;
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
            failure = AtomErrors.Exception(StatusCode.Unavailable, ErrorReason.ServerShuttingDown, $"Transcription {Id} was stopped: the server is shutting down.");
        }
        catch (Exception e)
        {
            // What went wrong is the server's to log, not the caller's to read.
            Failed?.Invoke(e);
            failure = AtomErrors.Exception(StatusCode.Internal, ErrorReason.Internal, $"Transcription {Id} failed on the server; its log says why.");
        }

        // The decoder is stopped and the engine's slot given back before watchers hear of the end, whether the audio ended,
        // went quiet or failed: a caller whose watch ended can start another transcription at once.
        await stopped.CancelAsync();
        await idle.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await recognition.DisposeAsync();

        // An append still writing saw its decoder go and was told the transcription ended; later ones see it finished.
        await appending.WaitAsync();
        try
        {
            lock (gate)
            {
                finished = true;
                error = failure;
                Signal();
            }

            stopped.Dispose();
        }
        finally
        {
            appending.Release();
        }
    }

    /// <summary>
    /// Takes the audio of an AppendAudio call. Bytes before what was received are skipped (a retried chunk is harmless); a gap
    /// is refused. Once the audio ended (the last append, the idle timeout, an error) only a retry of bytes already received
    /// is answered, so a retried last append succeeds.
    /// </summary>
    /// <param name="offset">Where <paramref name="audio"/> starts in the audio sent so far; not negative.</param>
    /// <param name="audio">The bytes.</param>
    /// <param name="last">Whether these end the audio.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many bytes have been received, in order.</returns>
    public async Task<long> AppendAsync(long offset, ReadOnlyMemory<byte> audio, bool last, CancellationToken cancellationToken)
    {
        await appending.WaitAsync(cancellationToken);
        try
        {
            if (audioEnd != AudioEnd.None || finished)
            {
                // Only a retry of bytes already received (the last append's, say) is answered, and as it was then.
                return offset + audio.Length <= received && audioEnd is AudioEnd.Last or AudioEnd.Idle ? received : throw Ended();
            }

            if (offset > received)
            {
                throw new RpcException(StatusCode.FailedPrecondition,
                    $"offset: {offset} leaves a gap: {received} bytes have been received (received_bytes); send from there.",
                    AtomErrors.Info(ErrorReason.FailedPrecondition, ("received_bytes", Invariant(received)), ("offset", Invariant(offset))),
                    new Atom.Google.Rpc.BadRequest { FieldViolations = { new Atom.Google.Rpc.BadRequest.Types.FieldViolation { Field = "offset", Description = $"must not be past received_bytes ({received})." } } });
            }

            // A retry overlaps what was received: only the bytes after it are new.
            var fresh = audio[(int)Math.Min(audio.Length, received - offset)..];
            if (fresh.Length > 0)
            {
                await WriteAsync(() => recognition.WriteAsync(fresh, stopped.Token));
                received += fresh.Length;
                Volatile.Write(ref lastAudio, time.GetTimestamp());
            }

            if (last || recognition.LimitReached)
            {
                // Past the length limit the rest would be discarded: recognition ends, and watchers are told why.
                audioEnd = last ? AudioEnd.Last : AudioEnd.TooLong;
                await WriteAsync(() => recognition.EndAudioAsync(stopped.Token));
            }

            return received;
        }
        finally
        {
            appending.Release();
        }
    }

    /// <summary>Sends every segment from the first, then each new one, until the transcription is finished.</summary>
    /// <param name="emit">Takes each segment, in order.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that completes after the last final segment.</returns>
    /// <exception cref="RpcException">What ended the transcription, when it was not the end of its audio.</exception>
    public async Task WatchAsync(Func<TranscribeResponse, Task> emit, CancellationToken cancellationToken)
    {
        var sent = 0;
        var partialSent = 0L;
        while (true)
        {
            TranscribeResponse[] news;
            TranscribeResponse? latest;
            bool done;
            RpcException? failure;
            Task next;
            lock (gate)
            {
                news = [.. finals.Skip(sent)];
                sent = finals.Count;
                latest = partial is not null && partialVersion != partialSent ? partial : null;
                partialSent = partialVersion;
                (done, failure, next) = (finished, error, changed.Task);
            }

            foreach (var response in news)
            {
                await emit(response);
            }

            if (latest is not null)
            {
                await emit(latest);
            }

            if (done)
            {
                if (failure is not null)
                {
                    throw failure;
                }

                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Frees the append lock, once the transcription is finished and forgotten.</summary>
    public void Dispose() => appending.Dispose();

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Ends the audio when none came for the idle timeout, as Transcribe does with a stream that goes quiet.
    private async Task WatchIdleAsync()
    {
        while (true)
        {
            var quiet = time.GetElapsedTime(Volatile.Read(ref lastAudio));
            if (quiet < idleTimeout)
            {
                await Task.Delay(idleTimeout - quiet, time, stopped.Token);
                continue;
            }

            await appending.WaitAsync(stopped.Token);
            try
            {
                if (audioEnd != AudioEnd.None)
                {
                    return;
                }

                if (time.GetElapsedTime(Volatile.Read(ref lastAudio)) >= idleTimeout)
                {
                    audioEnd = AudioEnd.Idle;
                    await WriteAsync(() => recognition.EndAudioAsync(stopped.Token));
                    return;
                }
            }
            finally
            {
                appending.Release();
            }
        }
    }

    // Writes to the recognition under the append lock. Audio it cannot read ends the transcription (watchers get the same
    // error after the segments before it); a write that fails because the transcription finished meanwhile is told so.
    private async Task WriteAsync(Func<ValueTask> write)
    {
        try
        {
            await write();
        }
        catch (RpcException)
        {
            audioEnd = AudioEnd.Failed;
            throw;
        }
        catch (Exception) when (stopped.IsCancellationRequested)
        {
            audioEnd = AudioEnd.Failed;
            throw Ended();
        }
    }

    private RpcException Ended()
    {
        lock (gate)
        {
            if (finished && error is not null)
            {
                return error;
            }
        }

        var why = audioEnd switch
        {
            AudioEnd.Last => "its last audio was received",
            AudioEnd.Idle => $"no audio came for {idleTimeout.TotalSeconds:0.#} s",
            AudioEnd.TooLong => "its audio reached the length limit",
            _ => "its audio could not be recognised",
        };
        return new RpcException(StatusCode.FailedPrecondition,
            $"Transcription {Id} has ended ({why}) after {received} bytes (received_bytes); start a new one for more audio.",
            AtomErrors.Info(ErrorReason.FailedPrecondition, ("received_bytes", Invariant(received)), ("transcription_id", Id)));
    }

    private ValueTask Publish(TranscribeResponse response)
    {
        lock (gate)
        {
            if (response.Segment.Final)
            {
                finals.Add(response);
                partial = null;
            }
            else
            {
                partial = response;
                partialVersion++;
            }

            Signal();
        }

        return ValueTask.CompletedTask;
    }

    // Wakes every watcher: each waits on the task of the moment it last looked.
    private void Signal()
    {
        var woken = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.TrySetResult();
    }
}
