using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Atom.Sdk;
using Atom.Server.Rpc;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Recognition;
using Atom.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>
/// The live transcriptions of the browser path, by id: who started each, a cap on how many one user runs at once, and how
/// long a finished one is kept so that a watcher who comes late still gets its transcript. One per process (a singleton).
/// When the server begins to stop, every transcription stops and its watchers are told UNAVAILABLE (SERVER_SHUTTING_DOWN),
/// as chat's live streams are, so none holds shutdown up; disposing it waits until all gave the engine's slots back.
/// </summary>
internal sealed partial class LiveTranscriptions : IAsyncDisposable
{
    private const string IdPrefix = "tr_";

    // 128 random bits in lower-case hex: an id that cannot be guessed is the first guard; the owner check is the second.
    private const int IdLength = 3 + 32;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdef");

    private readonly ConcurrentDictionary<string, LiveTranscription> transcriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string TenantId, string PrincipalId), int> running = [];
    private readonly ConcurrentDictionary<Task, byte> lifetimes = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ISpeechRecognizer recognizer;
    private readonly AudioDecoderFactory decoders;
    private readonly TimeProvider time;
    private readonly VoiceApiOptions settings;
    private readonly ILogger<LiveTranscriptions> logger;
    private readonly CancellationTokenRegistration shutdown;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="recognizer">Speech to text.</param>
    /// <param name="decoders">Turns what callers send into 16 kHz mono samples.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The voice API's settings: idle timeout, retention, the cap per user.</param>
    /// <param name="logger">Where failures of the server's own go.</param>
    /// <param name="lifetime">Says when the server begins to stop.</param>
    public LiveTranscriptions(ISpeechRecognizer recognizer, AudioDecoderFactory decoders, TimeProvider time, IOptions<VoiceApiOptions> options, ILogger<LiveTranscriptions> logger, IHostApplicationLifetime lifetime)
    {
        shutdown = lifetime.ApplicationStopping.Register(static state => ((CancellationTokenSource)state!).Cancel(), stopping);
        this.logger = logger;
        this.recognizer = recognizer;
        this.decoders = decoders;
        this.time = time;
        settings = options.Value;
    }

    /// <summary>Starts a transcription for a caller, taking a slot of the engine at once.</summary>
    /// <param name="tenantId">The caller's tenant.</param>
    /// <param name="principalId">The caller.</param>
    /// <param name="config">How to listen; field <c>config</c> of the request.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The transcription, running.</returns>
    /// <exception cref="RpcException">A bad config, the caller's cap, or the engine's capacity reached.</exception>
    public async Task<LiveTranscription> StartAsync(string tenantId, string principalId, TranscriptionConfig? config, CancellationToken cancellationToken)
    {
        var owner = (tenantId, principalId);
        Reserve(owner);
        try
        {
            var recognition = await LiveRecognition.StartAsync(config, "config", recognizer, decoders, cancellationToken);
            var transcription = new LiveTranscription(
                IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), tenantId, principalId, recognition, settings.IdleTimeout, time, stopping.Token);
            transcription.Failed += e => Log.Failed(logger, transcription.Id, e);
            transcriptions[transcription.Id] = transcription;
            var lifetime = LiveAsync(transcription, owner);
            lifetimes[lifetime] = 0;
            _ = lifetime.ContinueWith(done => lifetimes.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return transcription;
        }
        catch
        {
            Release(owner);
            throw;
        }
    }

    /// <summary>Finds a caller's transcription. Another caller's is not found, exactly as one that does not exist.</summary>
    /// <param name="tenantId">The caller's tenant.</param>
    /// <param name="principalId">The caller.</param>
    /// <param name="id">The id asked for (field <c>transcription_id</c>).</param>
    /// <returns>The transcription.</returns>
    /// <exception cref="RpcException">INVALID_ARGUMENT for an id of the wrong shape; NOT_FOUND otherwise.</exception>
    public LiveTranscription Find(string tenantId, string principalId, string id)
    {
        if (id.Length != IdLength || !id.StartsWith(IdPrefix, StringComparison.Ordinal) || id.AsSpan(IdPrefix.Length).ContainsAnyExcept(HexDigits))
        {
            throw AtomErrors.InvalidField("transcription_id", "must be a transcription id, as StartTranscription returned it (tr_ and 32 hex digits).");
        }

        return transcriptions.TryGetValue(id, out var transcription) && transcription.TenantId == tenantId && transcription.PrincipalId == principalId
            ? transcription
            : throw RpcErrors.NotFound("transcription", id);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await shutdown.DisposeAsync();
        await stopping.CancelAsync();
        await Task.WhenAll(lifetimes.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    // Runs a transcription to its end, frees its owner's place under the cap, keeps it for late watchers, then forgets it.
    private async Task LiveAsync(LiveTranscription transcription, (string, string) owner)
    {
        try
        {
            await transcription.RunAsync();
        }
        finally
        {
            Release(owner);
        }

        try
        {
            await Task.Delay(settings.FinishedRetention, time, stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        transcriptions.TryRemove(transcription.Id, out _);
        transcription.Dispose();
    }

    private void Reserve((string TenantId, string PrincipalId) owner)
    {
        lock (running)
        {
            var count = running.GetValueOrDefault(owner);
            if (count >= settings.MaxTranscriptionsPerUser)
            {
                var limit = settings.MaxTranscriptionsPerUser.ToString(CultureInfo.InvariantCulture);
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"You already run {limit} live transcriptions, the most one user may ({VoiceApiOptions.Section}:MaxTranscriptionsPerUser); end one (AppendAudio with last) first.",
                    AtomErrors.Info(ErrorReason.QuotaExceeded, ("limit", limit)));
            }

            running[owner] = count + 1;
        }
    }

    private void Release((string TenantId, string PrincipalId) owner)
    {
        lock (running)
        {
            var count = running[owner] - 1;
            if (count == 0)
            {
                running.Remove(owner);
            }
            else
            {
                running[owner] = count;
            }
        }
    }
}
