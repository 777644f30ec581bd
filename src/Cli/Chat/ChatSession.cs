using System.Threading.Channels;
using Atom.Cli.Calls;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;
using Status = Atom.Sdk.Status;

namespace Atom.Cli.Chat;

/// <summary>
/// An interactive chat in one room over ONE ChatService.Converse stream: the room's events arrive on it, each line
/// typed goes out on it as a send with a fresh request_id, and the reply acknowledges it. A dropped stream is opened
/// again from the last sequence shown, and sends not yet acknowledged go out again with the same request_id, so the
/// server stores each once whatever happened to the first attempt.
/// </summary>
/// <remarks>
/// Everything (keys, responses, reconnect timers) is posted to one inbox and handled in turn by
/// <see cref="RunAsync"/>, so the session's state needs no locks and the request stream has one writer.
/// </remarks>
internal sealed class ChatSession
{
    private const string QuitCommand = "/quit";
    private static readonly TimeSpan TypingEvery = TimeSpan.FromSeconds(3);

    private readonly CliContext _context;
    private readonly CallInvoker _invoker;
    private readonly Room _room;
    private readonly string _me;
    private readonly ChatScreen _screen;
    private readonly EventText _text;
    private readonly EventCursor _cursor;
    private readonly Reconnection _reconnection;
    private readonly Channel<Item> _inbox = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<PendingSend> _unacknowledged = [];
    private readonly HashSet<long> _acknowledged = [];
    private readonly Dictionary<string, DateTimeOffset> _typing = new(StringComparer.Ordinal);
    private readonly bool _json;
    private AsyncDuplexStreamingCall<ConverseRequest, ConverseResponse>? _call;
    private int _stream;
    private bool _reconnectPending;
    private bool _ending;
    private int _failures;
    private DateTimeOffset _typingSent = DateTimeOffset.MinValue;
    private string _joinEventId = string.Empty;

    /// <summary>Initializes a new instance of the <see cref="ChatSession"/> class.</summary>
    /// <param name="context">Settings, output and Ctrl+C.</param>
    /// <param name="invoker">The connection.</param>
    /// <param name="room">The room, resolved.</param>
    /// <param name="me">The caller's user id (their own typing and presence are not shown to them).</param>
    /// <param name="screen">Where input comes from and output goes.</param>
    /// <param name="people">Names for ids.</param>
    /// <param name="cursor">The last sequence already shown.</param>
    /// <param name="reconnection">When to reconnect.</param>
    public ChatSession(CliContext context, CallInvoker invoker, Room room, string me, ChatScreen screen, PeopleDirectory people, EventCursor cursor, Reconnection reconnection)
    {
        _context = context;
        _invoker = invoker;
        _room = room;
        _me = me;
        _screen = screen;
        _text = new EventText(people);
        _cursor = cursor;
        _reconnection = reconnection;
        _json = context.Settings.Output == OutputFormat.Json;
    }

    /// <summary>Gets or sets what to tell the user once the room is live (the first catch-up is done), or null for nothing.</summary>
    public string? Banner { get; set; }

    /// <summary>Chats until /quit, the end of input (once every send is acknowledged), the room closing, or Ctrl+C.</summary>
    /// <returns><see cref="ExitCodes.Success"/>, or <see cref="ExitCodes.RpcError"/> when a send failed.</returns>
    /// <exception cref="RpcException">The stream failed with an error that is the server's answer, not a dropped connection.</exception>
    public async Task<int> RunAsync()
    {
        var token = _context.CancellationToken;
        _screen.StartInput(new ChatInput(
            line => _inbox.Writer.TryWrite(new Typed(line)),
            () => _inbox.Writer.TryWrite(new Keystroke()),
            () => _inbox.Writer.TryWrite(new InputEnded())));
        using var ticks = _screen.HasStatusLine ? StartTicks(token) : null;
        try
        {
            await ConnectAsync().ConfigureAwait(false);
            while (!Done())
            {
                var item = await _inbox.Reader.ReadAsync(token).ConfigureAwait(false);
                var closed = await HandleAsync(item).ConfigureAwait(false);
                if (closed)
                {
                    break;
                }
            }

            if (_call is { } call)
            {
                try
                {
                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
                {
                    // Already over: there is nothing left to say to the server.
                }
            }

            return _failures > 0 ? ExitCodes.RpcError : ExitCodes.Success;
        }
        finally
        {
            _call?.Dispose();
        }
    }

    private bool Done() =>
        _ending && _unacknowledged.Count == 0 && _acknowledged.All(sequence => sequence <= _cursor.Last);

    private async Task<bool> HandleAsync(Item item)
    {
        switch (item)
        {
            case Typed typed:
                await TypedAsync(typed.Line).ConfigureAwait(false);
                break;

            case Keystroke:
                if (DateTimeOffset.UtcNow - _typingSent >= TypingEvery && _call is not null)
                {
                    _typingSent = DateTimeOffset.UtcNow;
                    await WriteAsync(new ConverseRequest { EventId = "typing-" + Guid.NewGuid().ToString("N"), Typing = new SetTypingRequest { RoomId = _room.Id, Typing = true } }).ConfigureAwait(false);
                }

                break;

            case InputEnded:
                EndWhenConfirmed();
                break;

            case GiveUp:
                if (_unacknowledged.Count > 0)
                {
                    _screen.Note($"error: {_unacknowledged.Count} message(s) were not confirmed by the server; they may or may not have been stored.");
                    _failures += _unacknowledged.Count;
                    _unacknowledged.Clear();
                }

                _acknowledged.Clear();
                break;

            case Received received when received.Stream == _stream:
                _reconnection.Succeeded();
                return await ReceivedAsync(received.Response).ConfigureAwait(false);

            case Ended ended when ended.Stream == _stream:
                Dropped(ended.Error);
                break;

            case Reconnect:
                _reconnectPending = false;
                await ConnectAsync().ConfigureAwait(false);
                break;

            case Resend resend when _unacknowledged.Contains(resend.Send):
                await SendAsync(resend.Send).ConfigureAwait(false);
                break;

            case Tick:
                ShowTyping();
                break;
        }

        return false;
    }

    private async Task TypedAsync(string line)
    {
        var text = line.TrimEnd('\r');
        if (text.Trim() is QuitCommand or "/exit")
        {
            EndWhenConfirmed();
            return;
        }

        if (text.Trim().Length == 0 || _ending)
        {
            return;
        }

        if (text.StartsWith('/'))
        {
            if (!text.StartsWith("//", StringComparison.Ordinal))
            {
                _screen.Note($"unknown command {text.Split(' ')[0]}: /quit leaves; start a line with // to send one that begins with /.");
                return;
            }

            text = text[1..];
        }

        var send = new PendingSend("send-" + Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString(), text);
        _unacknowledged.Add(send);
        _typingSent = DateTimeOffset.MinValue;
        ShowTyping();
        await SendAsync(send).ConfigureAwait(false);
    }

    private void EndWhenConfirmed()
    {
        if (_ending)
        {
            return;
        }

        _ending = true;
        if (!Done() && _context.Settings.Timeout is { } timeout)
        {
            // Waiting for the last acknowledgements is bounded like any call; a server that never answers gets reported.
            _ = Task.Delay(timeout, _context.CancellationToken).ContinueWith(
                _ => _inbox.Writer.TryWrite(new GiveUp()), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private async Task SendAsync(PendingSend send)
    {
        if (_call is null)
        {
            return; // goes out once the stream is back
        }

        await WriteAsync(new ConverseRequest
        {
            EventId = send.EventId,
            Send = new SendMessageRequest { RoomId = _room.Id, Text = send.Text, RequestId = send.RequestId },
        }).ConfigureAwait(false);
    }

    private async Task<bool> ReceivedAsync(ConverseResponse response)
    {
        if (_json)
        {
            // Scripts get every response, including the ones that only matter to people (typing) or to the session (catch-up).
            if (response.KindCase != ConverseResponse.KindOneofCase.Event || response.Event.KindCase != ChatEvent.KindOneofCase.RoomEvent
                || _cursor.Place(response.Event.RoomEvent.Sequence) == EventPlace.Next)
            {
                _screen.Write(_context.Json(response, oneLine: true));
            }
        }

        switch (response.KindCase)
        {
            case ConverseResponse.KindOneofCase.Reply:
                await AcknowledgedAsync(response.Reply).ConfigureAwait(false);
                return false;

            case ConverseResponse.KindOneofCase.Error:
                return Failed(response.Error);

            case ConverseResponse.KindOneofCase.Event:
                return await EventAsync(response.Event).ConfigureAwait(false);

            default:
                return false;
        }
    }

    private async Task AcknowledgedAsync(EventReply reply)
    {
        var send = _unacknowledged.Find(s => s.EventId == reply.EventId);
        if (send is null || reply.Message is not { } message)
        {
            return;
        }

        _unacknowledged.Remove(send);
        ShowTyping();
        if (!_json && _cursor.Place(message.Sequence) == EventPlace.Next)
        {
            // Shown at once when nothing comes before it; otherwise in its place among the room's events. Scripts
            // (--output json) get the reply and, in order, the room event too.
            await ShowAsync(message).ConfigureAwait(false);
            _cursor.Printed(message.Sequence);
        }
        else if (message.Sequence > _cursor.Last)
        {
            _acknowledged.Add(message.Sequence);
        }
    }

    private bool Failed(EventError error)
    {
        var status = error.Status ?? new Atom.Google.Rpc.Status { Code = (int)StatusCode.Unknown };
        var exception = new RpcException(
            new Status((StatusCode)status.Code, status.Message),
            new Metadata().Add("grpc-status-details-bin", status.ToByteArray()));
        if (error.EventId == _joinEventId)
        {
            // The room cannot be received (deleted, or no longer visible): there is no chat to go on with.
            throw exception;
        }

        var send = _unacknowledged.Find(s => s.EventId == error.EventId);
        if (send is null)
        {
            return false; // a typing event the caller's role does not allow: nothing a person needs to hear about
        }

        if (exception.StatusCode == StatusCode.ResourceExhausted && exception.GetDetail<RetryInfo>()?.RetryDelay is { } delay)
        {
            // Sending too fast: the same send (same request_id) goes again when the server says.
            _ = Task.Delay(delay.ToTimeSpan(), _context.CancellationToken).ContinueWith(
                _ => _inbox.Writer.TryWrite(new Resend(send)), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return false;
        }

        _unacknowledged.Remove(send);
        _failures++;
        if (!_json)
        {
            _screen.Report(exception);
            _screen.Note($"not sent: {send.Text}");
        }

        return false;
    }

    private async Task<bool> EventAsync(ChatEvent chatEvent)
    {
        switch (chatEvent.KindCase)
        {
            case ChatEvent.KindOneofCase.RoomEvent:
                var roomEvent = chatEvent.RoomEvent;
                switch (_cursor.Place(roomEvent.Sequence))
                {
                    case EventPlace.Seen:
                        return false;
                    case EventPlace.Gap:
                        Restart($"the stream skipped events after #{_cursor.Last}");
                        return false;
                }

                if (roomEvent.MessagePosted is { } posted)
                {
                    _typing.Remove(posted.SenderId);
                }

                if (!_json && await _text.EventAsync(chatEvent).ConfigureAwait(false) is { } line)
                {
                    _screen.Show(line);
                }

                _cursor.Printed(roomEvent.Sequence);
                ShowTyping();
                return false;

            case ChatEvent.KindOneofCase.Typing when chatEvent.Typing.UserId != _me:
                var typing = chatEvent.Typing;
                await _text.LabelAsync(typing.UserId).ConfigureAwait(false);
                var until = typing.UntilTime?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;
                var started = until > DateTimeOffset.UtcNow && !_typing.ContainsKey(typing.UserId);
                if (until > DateTimeOffset.UtcNow)
                {
                    _typing[typing.UserId] = until;
                }
                else
                {
                    _typing.Remove(typing.UserId);
                }

                if (started && !_screen.HasStatusLine && !_json && await _text.EventAsync(chatEvent).ConfigureAwait(false) is { } typingLine)
                {
                    _screen.Show(typingLine);
                }

                ShowTyping();
                return false;

            case ChatEvent.KindOneofCase.Presence when chatEvent.Presence.UserId != _me:
                if (!_json && await _text.EventAsync(chatEvent).ConfigureAwait(false) is { } presence)
                {
                    _screen.Show(presence);
                }

                return false;

            case ChatEvent.KindOneofCase.CaughtUp:
                if (Banner is { } banner)
                {
                    // Said once the stream is live, so whoever reads it knows that what is said from now on arrives.
                    Banner = null;
                    _screen.Note(banner);
                }

                return false;

            case ChatEvent.KindOneofCase.RoomClosed:
                if (!_json)
                {
                    _screen.Note($"The room was closed ({Display.OrDash(chatEvent.RoomClosed.Reason)}); leaving.");
                }

                _failures += _unacknowledged.Count;
                return true;

            default:
                return false;
        }
    }

    private async Task ShowAsync(Message message) => _screen.Show(await _text.MessageAsync(message).ConfigureAwait(false));

    private void ShowTyping()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var expired in _typing.Where(t => t.Value <= now).Select(t => t.Key).ToList())
        {
            _typing.Remove(expired);
        }

        var names = _typing.Keys.Select(id => _text.KnownLabel(id)).ToList();
        var typing = names.Count switch
        {
            0 => string.Empty,
            1 => $"{names[0]} is typing…",
            2 => $"{names[0]} and {names[1]} are typing…",
            _ => $"{names.Count} people are typing…",
        };
        var sending = _unacknowledged.Count > 0 ? $"sending {_unacknowledged.Count}…" : string.Empty;
        _screen.Status(string.Join(" · ", new[] { typing, sending }.Where(s => s.Length > 0)));
    }

    private async Task ConnectAsync()
    {
        _call?.Dispose();
        _stream++;
        var call = new ChatServiceClient(_invoker).Converse(new CallOptions
        {
            Deadline = _context.Settings.StreamDeadline(),
            CancellationToken = _context.CancellationToken,
        });
        _call = call;
        _ = PumpAsync(_stream, call);
        _joinEventId = "join-" + Guid.NewGuid().ToString("N");
        await WriteAsync(new ConverseRequest
        {
            EventId = _joinEventId,
            Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = _room.Id, AfterSequence = _cursor.Last } },
        }).ConfigureAwait(false);

        // What was not acknowledged may or may not be stored: the same request_id makes sending it again safe.
        foreach (var send in _unacknowledged.ToList())
        {
            await SendAsync(send).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(int stream, AsyncDuplexStreamingCall<ConverseRequest, ConverseResponse> call)
    {
        RpcException? error = null;
        try
        {
            while (await call.ResponseStream.MoveNext(_context.CancellationToken).ConfigureAwait(false))
            {
                _inbox.Writer.TryWrite(new Received(stream, call.ResponseStream.Current));
            }
        }
        catch (RpcException e)
        {
            error = e;
        }
        catch (OperationCanceledException) when (_context.CancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            error = new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }

        _inbox.Writer.TryWrite(new Ended(stream, error));
    }

    private async Task WriteAsync(ConverseRequest request)
    {
        if (_call is not { } call)
        {
            return;
        }

        try
        {
            await call.RequestStream.WriteAsync(request, _context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!_context.CancellationToken.IsCancellationRequested && e is RpcException or IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // The call is over; its response stream reports how, and the session reconnects or stops from there.
        }
    }

    private void Dropped(RpcException? error)
    {
        if (error is not null && !Reconnection.IsDrop(error, _context.CancellationToken.IsCancellationRequested))
        {
            throw error;
        }

        if (_ending && Done())
        {
            return;
        }

        ScheduleReconnect(error);
    }

    private void Restart(string why)
    {
        _call?.Dispose();
        _call = null;
        _stream++;
        ScheduleReconnect(new RpcException(new Status(StatusCode.DataLoss, why)));
    }

    private void ScheduleReconnect(RpcException? error)
    {
        _call = null;
        if (_reconnectPending)
        {
            return;
        }

        _reconnectPending = true;
        var delay = _reconnection.NextDelay();
        _screen.Note(_reconnection.Describe(error, delay, _cursor.Last));
        _ = Task.Delay(delay, _context.CancellationToken).ContinueWith(
            _ => _inbox.Writer.TryWrite(new Reconnect()), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private PeriodicTimer StartTicks(CancellationToken token)
    {
        // Typing indicators lapse on their own; a tick a second takes them off the status line.
        var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        _ = Task.Run(async () =>
        {
            try
            {
                while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
                {
                    _inbox.Writer.TryWrite(new Tick());
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return timer;
    }

    private sealed record PendingSend(string EventId, string RequestId, string Text);

    private abstract record Item;

    private sealed record Typed(string Line) : Item;

    private sealed record Keystroke : Item;

    private sealed record InputEnded : Item;

    private sealed record GiveUp : Item;

    private sealed record Received(int Stream, ConverseResponse Response) : Item;

    private sealed record Ended(int Stream, RpcException? Error) : Item;

    private sealed record Reconnect : Item;

    private sealed record Resend(PendingSend Send) : Item;

    private sealed record Tick : Item;
}
