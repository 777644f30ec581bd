using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>
/// What every chat run shares: the target, the subscribers it opened, a ledger of acknowledged sends per room, and
/// the checks at the end: every send acknowledged with its own sequence, the room's log exactly those sends, and
/// every subscriber of a room holding every one of them once and in order.
/// </summary>
public sealed class LoadSession : IDisposable
{
    private const int OpenParallelism = 32;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RoomLedger> _rooms = new(StringComparer.Ordinal);
    private readonly List<RoomWatcher> _watchers = [];
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private AtomChannel? _sharedChannel;
    private int _onSharedChannel;

    /// <summary>Initializes a new instance of the <see cref="LoadSession"/> class.</summary>
    /// <param name="options">The run's options.</param>
    public LoadSession(ChatLoadOptions options)
    {
        Options = options;
        Target = new ChatTarget(options.Target, options.Token);
    }

    /// <summary>Gets the run's options.</summary>
    public ChatLoadOptions Options { get; }

    /// <summary>Gets the server.</summary>
    public ChatTarget Target { get; }

    /// <summary>Gets the subscribers opened so far.</summary>
    public IReadOnlyList<RoomWatcher> Watchers => _watchers;

    /// <summary>Gets the failures so far, by reason.</summary>
    public Dictionary<string, long> Errors => new(_errors, StringComparer.Ordinal);

    /// <summary>Counts a failure.</summary>
    /// <param name="reason">Why.</param>
    public void Error(string reason) => _errors.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Creates a room and starts its ledger at the room's current sequence.</summary>
    /// <param name="label">Part of the room's name.</param>
    /// <returns>The room id.</returns>
    public async Task<string> CreateRoomAsync(string label)
    {
        var room = await Target.CreateRoomAsync(label);
        _rooms[room.Id] = new RoomLedger(room.LastSequence);
        return room.Id;
    }

    /// <summary>
    /// Opens subscribers of a room from its ledger's start and waits until each has caught up. Streams share
    /// connections <see cref="ChatLoadOptions.StreamsPerConnection"/> at a time.
    /// </summary>
    /// <param name="roomId">The room.</param>
    /// <param name="count">How many.</param>
    /// <returns>The subscribers that became ready.</returns>
    public async Task<List<RoomWatcher>> OpenWatchersAsync(string roomId, int count)
    {
        var after = _rooms[roomId].Start;
        var opened = new List<RoomWatcher>(count);
        for (var i = 0; i < count; i++)
        {
            var watcher = new RoomWatcher(NextWatcherChannel(), Options.Transport, roomId, after);
            opened.Add(watcher);
            _watchers.Add(watcher);
        }

        await Parallel.ForEachAsync(opened, new ParallelOptions { MaxDegreeOfParallelism = OpenParallelism }, async (watcher, cancellationToken) =>
        {
            watcher.Start();
            try
            {
                await watcher.Ready.WaitAsync(ReadyTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                Error($"a subscriber did not catch up: {ex.Message}");
            }
        });
        return opened;
    }

    /// <summary>Sends one stamped message and records its acknowledgement in the room's ledger.</summary>
    /// <param name="chat">The sender's client.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="requestId">A request id unique in the run.</param>
    /// <param name="latency">Where to record the call's latency, or null; the caller serializes access to it.</param>
    /// <returns>The send's start timestamp, or null when it failed.</returns>
    public async Task<long?> SendAsync(ChatServiceClient chat, string roomId, string requestId, LatencyHistogram? latency)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await chat.SendMessageAsync(new SendMessageRequest
            {
                RoomId = roomId,
                RequestId = requestId,
                Text = MessageStamp.Create(requestId, Options.TextBytes, started),
            });
            var ended = Stopwatch.GetTimestamp();
            if (response.Message.RequestId != requestId || response.Message.RoomId != roomId)
            {
                Error("SendMessage answered with another message");
                return null;
            }

            _rooms[roomId].Acked.Add(response.Message.Sequence);
            latency?.Record(MessageStamp.Nanoseconds(started, ended));
            return started;
        }
        catch (RpcException ex)
        {
            Error($"SendMessage: {ex.StatusCode}: {ex.Status.Detail}");
            return null;
        }
    }

    /// <summary>Makes a request id unique to this run.</summary>
    /// <param name="sender">The sender.</param>
    /// <param name="n">Its send number.</param>
    /// <returns>The id.</returns>
    public string RequestId(int sender, long n) => $"{_tag}-{sender}-{n}";

    /// <summary>
    /// Checks every room's ledger (acknowledged sequences distinct and exactly the room's new events), then waits
    /// until every subscriber holds every acknowledged send, or <see cref="ChatLoadOptions.DrainTimeout"/> passes.
    /// </summary>
    /// <returns>The seconds the subscribers took to catch up.</returns>
    public async Task<double> DrainAsync()
    {
        var finals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (roomId, ledger) in _rooms)
        {
            var acked = ledger.Acked.ToArray();
            Array.Sort(acked);
            var distinct = acked.Distinct().Count();
            if (distinct != acked.Length)
            {
                Error("two sends were acknowledged with the same sequence");
            }

            var final = ledger.Start + distinct;
            if (acked.Length > 0 && (acked[0] <= ledger.Start || acked[^1] != final))
            {
                Error("a room's new sequences are not exactly its acknowledged sends (a gap, or an event nobody sent)");
            }

            finals[roomId] = acked.Length == 0 ? ledger.Start : acked[^1];
        }

        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(Options.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (_watchers.Any(w => w.Failure is null && w.LastSequence < finals[w.RoomId]) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Stops every subscriber and folds their checks into <paramref name="latency"/> and the counts returned.</summary>
    /// <param name="latency">Receives every subscriber's delivery latencies.</param>
    /// <returns>The checks' counts.</returns>
    public async Task<WatcherTotals> StopWatchersAsync(LatencyHistogram latency)
    {
        await Task.WhenAll(_watchers.Select(w => w.StopAsync()));
        var totals = new WatcherTotals();
        foreach (var w in _watchers)
        {
            latency.Add(w.Latency);
            var final = _rooms[w.RoomId].Acked.IsEmpty ? _rooms[w.RoomId].Start : _rooms[w.RoomId].Acked.Max();
            totals.Gaps += w.Gaps;
            totals.Repeats += w.Repeats;
            totals.Mismatches += w.Mismatches;
            totals.Cutoffs += w.Cutoffs;
            totals.Undelivered += Math.Max(0, final - w.LastSequence);
            if (w.Failure is not null)
            {
                Error($"subscriber: {w.Failure}");
            }
        }

        _watchers.Clear();
        return totals;
    }

    /// <inheritdoc />
    public void Dispose() => Target.Dispose();

    private AtomChannel NextWatcherChannel()
    {
        if (_sharedChannel is null || _onSharedChannel >= Options.StreamsPerConnection)
        {
            _sharedChannel = Target.NewChannel();
            _onSharedChannel = 0;
        }

        _onSharedChannel++;
        return _sharedChannel;
    }

    private sealed class RoomLedger(long start)
    {
        public long Start { get; } = start;

        public ConcurrentBag<long> Acked { get; } = [];
    }
}

/// <summary>The subscribers' checks, added up.</summary>
public sealed class WatcherTotals
{
    /// <summary>Gets or sets sequences skipped.</summary>
    public long Gaps { get; set; }

    /// <summary>Gets or sets events at or below a sequence already received.</summary>
    public long Repeats { get; set; }

    /// <summary>Gets or sets messages whose content did not match their request id.</summary>
    public long Mismatches { get; set; }

    /// <summary>Gets or sets (subscriber, sequence) pairs never delivered.</summary>
    public long Undelivered { get; set; }

    /// <summary>Gets or sets slow-consumer cut-offs.</summary>
    public long Cutoffs { get; set; }
}
