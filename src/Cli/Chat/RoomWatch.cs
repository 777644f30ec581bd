using Atom.Cli.Calls;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Chat;

/// <summary>
/// Prints a room's events as they happen, over ChatService.Subscribe: a line per event for people, or the proto3
/// JSON of each <see cref="ChatEvent"/> on a line of its own. A dropped stream is opened again (see
/// <see cref="Reconnection"/>) from the last sequence printed, so the output reads as one unbroken stream.
/// </summary>
/// <param name="context">Settings, output and Ctrl+C.</param>
/// <param name="invoker">The connection.</param>
/// <param name="room">The room, resolved.</param>
/// <param name="cursor">Where printing starts.</param>
/// <param name="reconnection">When to reconnect.</param>
internal sealed class RoomWatch(CliContext context, CallInvoker invoker, Room room, EventCursor cursor, Reconnection reconnection)
{
    private readonly EventText _text = new(new PeopleDirectory(context, invoker));
    private bool _caughtUpShown;

    /// <summary>Prints events until Ctrl+C, the deadline, an error the server answers with, or the room closing.</summary>
    /// <returns>The exit code: <see cref="ExitCodes.Success"/> when the room closed (deleted, or the caller removed).</returns>
    public async Task<int> RunAsync()
    {
        var token = context.CancellationToken;
        var options = new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = token };
        var client = new ChatServiceClient(invoker);
        while (true)
        {
            RpcException? dropped = null;
            try
            {
                using var call = client.Subscribe(
                    new SubscribeRequest { Rooms = { new RoomCursor { RoomId = room.Id, AfterSequence = cursor.Last } } },
                    options);
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    reconnection.Succeeded();
                    var outcome = await ShowAsync(call.ResponseStream.Current.Event ?? new ChatEvent()).ConfigureAwait(false);
                    if (outcome == Outcome.Closed)
                    {
                        return ExitCodes.Success;
                    }

                    if (outcome == Outcome.Gap)
                    {
                        // The server skipped a sequence: ask again from what was printed rather than print around a hole.
                        dropped = new RpcException(new Status(StatusCode.DataLoss, $"the stream skipped events after #{cursor.Last}"));
                        break;
                    }
                }
            }
            catch (RpcException e) when (Reconnection.IsDrop(e, token.IsCancellationRequested))
            {
                dropped = e;
            }

            var delay = reconnection.NextDelay();
            await context.Error.WriteLineAsync(reconnection.Describe(dropped, delay, cursor.Last)).ConfigureAwait(false);
            await Task.Delay(delay, token).ConfigureAwait(false);
        }
    }

    private async Task<Outcome> ShowAsync(ChatEvent chatEvent)
    {
        switch (chatEvent.KindCase)
        {
            case ChatEvent.KindOneofCase.RoomEvent:
                switch (cursor.Place(chatEvent.RoomEvent.Sequence))
                {
                    case EventPlace.Seen:
                        return Outcome.Shown;
                    case EventPlace.Gap:
                        return Outcome.Gap;
                }

                await WriteAsync(chatEvent).ConfigureAwait(false);
                cursor.Printed(chatEvent.RoomEvent.Sequence);
                return Outcome.Shown;

            case ChatEvent.KindOneofCase.CaughtUp:
                // Every stream, the first and each resumed one, says so once it is live; the output says it once.
                if (!_caughtUpShown)
                {
                    _caughtUpShown = true;
                    if (context.Settings.Output == OutputFormat.Json)
                    {
                        await WriteAsync(chatEvent).ConfigureAwait(false);
                    }
                    else
                    {
                        await context.Error.WriteLineAsync($"Watching {RoomLookup.Label(room)} ({room.Name}) live after #{cursor.Last}; Ctrl+C to stop.").ConfigureAwait(false);
                    }
                }

                return Outcome.Shown;

            case ChatEvent.KindOneofCase.RoomClosed:
                await WriteAsync(chatEvent).ConfigureAwait(false);
                return Outcome.Closed;

            default:
                await WriteAsync(chatEvent).ConfigureAwait(false);
                return Outcome.Shown;
        }
    }

    private async Task WriteAsync(ChatEvent chatEvent)
    {
        string? line;
        if (context.Settings.Output == OutputFormat.Json)
        {
            line = context.Json(chatEvent, oneLine: true);
        }
        else
        {
            line = (await _text.EventAsync(chatEvent).ConfigureAwait(false))?.Plain(EventText.LogTime);
        }

        if (line is not null)
        {
            await context.Out.WriteLineAsync(line).ConfigureAwait(false);
            await context.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private enum Outcome
    {
        Shown,
        Gap,
        Closed,
    }
}
