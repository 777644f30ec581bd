using System.Collections.Concurrent;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Backplane;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Chat.Durability;

/// <summary>
/// "Messages are stored before they are acked": a server killed with SIGKILL in the middle of a stream of sends,
/// then started again on the same data, has every message it acked, under the sequence it acked, in a room log
/// that is still gap-free, and a retried send of one that was in flight is stored at most once.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int KillAfterAcks = 150;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_server_killed_mid_stream_and_restarted_loses_no_acked_message(string provider)
    {
        var (storage, dataDir) = await StoreProvider.CreateAsync(provider);
        string[] args = [.. ProcessChat.Arguments, .. StoreProvider.ServerArguments(storage, dataDir)];

        var acked = new ConcurrentDictionary<string, Message>();
        var attempted = new ConcurrentDictionary<string, string>();
        int unanswered;
        string roomId;
        string annToken;
        await using (var first = await ServerProcess.StartAsync(args))
        {
            (_, annToken) = await ProcessChat.SignedInUserAsync(first, "ann@example.com");
            roomId = await ProcessChat.CreateRoomAsync(first, annToken, "durable");
            var sending = new ChatServiceClient(first.Channel(annToken));

            // Senders keep sends in flight until the server dies under them.
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var failures = 0;
            var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var requestId = $"s{s}-{i}";
                    var text = $"message {requestId}";
                    attempted[requestId] = text;
                    try
                    {
                        var message = (await sending.SendMessageAsync(
                            new SendMessageRequest { RoomId = roomId, Text = text, RequestId = requestId },
                            new CallOptions { Deadline = DateTime.UtcNow + CallTimeout, AllowRetries = false })).Message;
                        acked[requestId] = message;
                        if (acked.Count >= KillAfterAcks)
                        {
                            enough.TrySetResult();
                        }
                    }
                    catch (RpcException)
                    {
                        Interlocked.Increment(ref failures);
                        return;
                    }
                }
            })).ToList();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await first.KillAsync();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
            unanswered = failures;
        }

        await using var second = await ServerProcess.StartAsync(args);
        var channel = second.Channel(annToken);
        var stored = await ProcessChat.ListAllAsync(channel, roomId);
        var storedById = stored.ToDictionary(m => m.Id);

        // Every acked message, as it was acked.
        foreach (var message in acked.Values)
        {
            Assert.True(storedById.TryGetValue(message.Id, out var found), $"Acked message {message.RequestId} (sequence {message.Sequence}) is missing after the restart.");
            Assert.Equal(message.Sequence, found.Sequence);
            Assert.Equal(message.Text, found.Text);
        }

        // The log from the start: 1..last without a gap, each acked message at its sequence.
        var posted = await GapFreeLogAsync(channel, roomId);
        Assert.All(acked.Values, m => Assert.Equal(m.Id, posted[m.Sequence]));
        Assert.Equal(stored.Count, posted.Count);

        // The sends that were in flight, retried with their request ids: each is stored exactly once, whether or not
        // it had reached the store before the kill.
        var chat = new ChatServiceClient(channel);
        var inFlight = attempted.Keys.Except(acked.Keys).ToList();
        foreach (var requestId in inFlight)
        {
            await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = attempted[requestId], RequestId = requestId });
        }

        var final = await ProcessChat.ListAllAsync(channel, roomId);
        Assert.Equal(attempted.Keys.Order(), final.Select(m => m.RequestId).Order());
        Assert.Equal(final.Count, (await GapFreeLogAsync(channel, roomId)).Count);

        output.WriteLine($"{provider}: {acked.Count} acked before the kill, {unanswered} sends unanswered, {stored.Count - acked.Count} of them stored anyway; after retrying them {final.Count} messages");
    }

    /// <summary>Reads the room's whole event log with a Subscribe from sequence 0 and checks it runs 1, 2, 3, ... to the room's last sequence.</summary>
    /// <returns>The posted messages' ids by sequence.</returns>
    private static async Task<Dictionary<long, string>> GapFreeLogAsync(AtomChannel channel, string roomId)
    {
        await using var watcher = await RoomWatcher.StartAsync(channel, roomId);
        var log = watcher.History;
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.Sequence));
        Assert.Equal(log.Count, watcher.CaughtUp);
        return log.Where(e => e.MessagePosted is not null).ToDictionary(e => e.Sequence, e => e.MessagePosted.Id);
    }
}
