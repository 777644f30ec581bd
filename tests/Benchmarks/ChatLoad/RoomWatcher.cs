using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>
/// One subscriber of one room, over Subscribe or Converse: checks that the room's events arrive with strictly
/// consecutive sequences from where it joined (a jump forward is a gap, anything at or below the last is a repeat),
/// records send-to-delivery latency of stamped messages, and, when the server cuts it off as too slow
/// (RESOURCE_EXHAUSTED, SUBSCRIBER_TOO_SLOW), reconnects from its last sequence as a real client would.
/// All counters are written by its one reader task; read them after <see cref="StopAsync"/>.
/// </summary>
public sealed class RoomWatcher
{
    private const int MaxReconnects = 1000;

    private readonly ChatServiceClient _client;
    private readonly string _transport;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private long _last;

    /// <summary>Initializes a new instance of the <see cref="RoomWatcher"/> class.</summary>
    /// <param name="channel">The connection to receive on.</param>
    /// <param name="transport"><c>subscribe</c> or <c>converse</c>.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="afterSequence">The room's sequence when the watcher joins: it must receive every event after it.</param>
    public RoomWatcher(AtomChannel channel, string transport, string roomId, long afterSequence)
    {
        _client = new ChatServiceClient(channel);
        _transport = transport;
        RoomId = roomId;
        StartSequence = afterSequence;
        _last = afterSequence;
    }

    /// <summary>Gets the room.</summary>
    public string RoomId { get; }

    /// <summary>Gets the sequence the watcher joined after.</summary>
    public long StartSequence { get; }

    /// <summary>Gets the last sequence received (thread-safe).</summary>
    public long LastSequence => Volatile.Read(ref _last);

    /// <summary>Gets a task that completes when the first catch-up is done and what follows is live.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Gets or sets the first send timestamp whose delivery latency is recorded (earlier ones are warm-up).</summary>
    public long RecordFrom { get; set; } = long.MaxValue;

    /// <summary>Gets the delivery latencies (send stamp to arrival), in nanoseconds.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Gets the room events received in order.</summary>
    public long Received { get; private set; }

    /// <summary>Gets the sequences skipped by a jump forward.</summary>
    public long Gaps { get; private set; }

    /// <summary>Gets the events whose sequence was at or below one already received (duplicates, out of order).</summary>
    public long Repeats { get; private set; }

    /// <summary>Gets the posted messages whose text named another request id than the message carries.</summary>
    public long Mismatches { get; private set; }

    /// <summary>Gets how often the server cut the stream off as too slow (and the watcher resumed).</summary>
    public int Cutoffs { get; private set; }

    /// <summary>Gets why the stream failed, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Starts receiving.</summary>
    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Ends the stream (cancels the call) and waits for the reader.</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_transport == "converse")
                {
                    await ConverseAsync();
                }
                else
                {
                    await SubscribeAsync();
                }

                if (!_stop.IsCancellationRequested)
                {
                    Fail("the server ended the stream with OK");
                }

                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && !_stop.IsCancellationRequested
                && ex.GetDetail<Atom.Google.Rpc.ErrorInfo>()?.Reason.Contains("SUBSCRIBER_TOO_SLOW", StringComparison.Ordinal) == true)
            {
                if (++Cutoffs > MaxReconnects)
                {
                    Fail($"cut off as too slow {Cutoffs} times");
                    return;
                }

                // Resume where this watcher stopped; the server's ResumePoint says the same, and the order check proves it.
            }
            catch (Exception ex) when ((ex is RpcException or OperationCanceledException) && _stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex)
            {
                Fail($"{ex.StatusCode}: {ex.Status.Detail}");
                return;
            }
        }
    }

    private async Task SubscribeAsync()
    {
        using var call = _client.Subscribe(
            new SubscribeRequest { Rooms = { new RoomCursor { RoomId = RoomId, AfterSequence = _last } } },
            new CallOptions { CancellationToken = _stop.Token });
        while (await call.ResponseStream.MoveNext(_stop.Token))
        {
            Handle(call.ResponseStream.Current.Event);
        }
    }

    private async Task ConverseAsync()
    {
        using var call = _client.Converse(new CallOptions { CancellationToken = _stop.Token });
        await call.RequestStream.WriteAsync(new ConverseRequest
        {
            EventId = "join",
            Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = RoomId, AfterSequence = _last } },
        }, _stop.Token);
        while (await call.ResponseStream.MoveNext(_stop.Token))
        {
            var response = call.ResponseStream.Current;
            switch (response.KindCase)
            {
                case ConverseResponse.KindOneofCase.Event:
                    Handle(response.Event);
                    break;
                case ConverseResponse.KindOneofCase.Error:
                    Fail($"event {response.Error.EventId} failed: {response.Error.Status?.Message}");
                    return;
            }
        }
    }

    private void Handle(ChatEvent chatEvent)
    {
        switch (chatEvent.KindCase)
        {
            case ChatEvent.KindOneofCase.RoomEvent:
                var arrived = Stopwatch.GetTimestamp();
                var roomEvent = chatEvent.RoomEvent;
                var sequence = roomEvent.Sequence;
                if (roomEvent.RoomId != RoomId || sequence <= _last)
                {
                    Repeats++;
                    return;
                }

                Gaps += sequence - _last - 1;
                Volatile.Write(ref _last, sequence);
                Received++;
                if (roomEvent.KindCase == RoomEvent.KindOneofCase.MessagePosted
                    && MessageStamp.TryRead(roomEvent.MessagePosted.Text, out var sent, out var requestId))
                {
                    if (!requestId.SequenceEqual(roomEvent.MessagePosted.RequestId))
                    {
                        Mismatches++;
                    }

                    if (sent >= RecordFrom)
                    {
                        Latency.Record(MessageStamp.Nanoseconds(sent, arrived));
                    }
                }

                break;

            case ChatEvent.KindOneofCase.CaughtUp:
                _ready.TrySetResult();
                break;

            case ChatEvent.KindOneofCase.RoomClosed:
                Fail($"room closed: {chatEvent.RoomClosed.Reason}");
                break;
        }
    }

    private void Fail(string why)
    {
        Failure ??= why;
        _ready.TrySetException(new InvalidOperationException(why));
    }
}
