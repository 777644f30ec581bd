using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Sdk;
using Atom.Server.Chat.Backplane;
using Atom.Server.Storage;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Google.Protobuf;
using Npgsql;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Chat.Backplane;

/// <summary>
/// Two server processes sharing one PostgreSQL database with <c>Atom:Backplane=postgres</c>: whatever happens in a
/// room on either node reaches its subscribers on both, in the room's order, with no gap and no duplicate, also
/// after a node lost its LISTEN connection.
/// </summary>
public sealed class TwoNodeTests(TwoNodeTests.Nodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodeTests.Nodes>
{
    private const string Reconnected = "Backplane listening again";

    [Fact]
    public async Task A_burst_from_senders_on_both_nodes_reaches_subscribers_on_both_in_order_without_gap_or_duplicate()
    {
        const int PerSender = 100;
        var roomId = await nodes.CreateRoomAsync("burst");
        await using var onA = await RoomWatcher.StartAsync(nodes.A.Channel(nodes.AnnToken), roomId);
        await using var onB = await RoomWatcher.StartAsync(nodes.B.Channel(nodes.BobToken), roomId);
        await using var converseOnB = new ConverseClient(nodes.B.Channel(nodes.BobToken));
        var startConverse = await converseOnB.JoinAndCatchUpAsync(roomId);

        // Ann on node A and Bob on node B at once, four sends in flight each.
        var acked = new ConcurrentDictionary<string, Message>();
        await Task.WhenAll(
            SendAsync(nodes.A.Channel(nodes.AnnToken), roomId, "ann", PerSender, acked),
            SendAsync(nodes.B.Channel(nodes.BobToken), roomId, "bob", PerSender, acked));
        var seenOnA = (await onA.RoomEventsAsync(2 * PerSender)).Select(e => e.Event).ToList();
        var seenOnB = (await onB.RoomEventsAsync(2 * PerSender)).Select(e => e.Event).ToList();
        var conversedOnB = await converseOnB.RoomEventsAsync(roomId, 2 * PerSender);
        await Task.Delay(300);

        Assert.Equal(2 * PerSender, acked.Count);
        var startA = onA.CaughtUp;
        Assert.Equal(startA, onB.CaughtUp);
        Assert.Equal(startA, startConverse);
        var expected = acked.Values.OrderBy(m => m.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * PerSender).Select(i => startA + i), expected.Select(m => m.Sequence));
        foreach (var seen in new[] { seenOnA, seenOnB, conversedOnB })
        {
            Assert.Equal(expected.Select(m => m.Sequence), seen.Select(e => e.Sequence));
            Assert.Equal(expected.Select(m => m.Id), seen.Select(e => e.MessagePosted.Id));
            Assert.Equal(expected.Select(m => m.Text), seen.Select(e => e.MessagePosted.Text));
        }

        // Nothing more arrives: no duplicate came late.
        Assert.DoesNotContain(onA.Drain(), e => e.RoomEvent is not null);
        Assert.DoesNotContain(onB.Drain(), e => e.RoomEvent is not null);
        Assert.DoesNotContain(converseOnB.Drain(), r => r.Event?.RoomEvent is not null);
    }

    [Fact]
    public async Task Sends_on_one_node_reach_a_subscriber_on_the_other_one_by_one_and_the_latency_is_reported()
    {
        const int Count = 200;
        var roomId = await nodes.CreateRoomAsync("latency");
        await using var local = await RoomWatcher.StartAsync(nodes.A.Channel(nodes.BobToken), roomId);
        await using var remote = await RoomWatcher.StartAsync(nodes.B.Channel(nodes.BobToken), roomId);
        var chat = new ChatServiceClient(nodes.A.Channel(nodes.AnnToken));

        var localMs = new List<double>();
        var remoteMs = new List<double>();
        for (var i = 0; i < Count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var message = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = "ping " + i })).Message;
            var (atA, atATime) = (await local.RoomEventsAsync(1))[0];
            var (atB, atBTime) = (await remote.RoomEventsAsync(1))[0];
            Assert.Equal(message.Id, atA.MessagePosted.Id);
            Assert.Equal(message.Id, atB.MessagePosted.Id);
            localMs.Add(Stopwatch.GetElapsedTime(sent, atATime).TotalMilliseconds);
            remoteMs.Add(Stopwatch.GetElapsedTime(sent, atBTime).TotalMilliseconds);
        }

        // Figures, not limits: from the send to the subscriber's receipt, on this machine.
        output.WriteLine($"send -> subscriber on the same node:  p50 {ProcessChat.Percentile(localMs, 50):F2} ms, p99 {ProcessChat.Percentile(localMs, 99):F2} ms");
        output.WriteLine($"send -> subscriber on the other node: p50 {ProcessChat.Percentile(remoteMs, 50):F2} ms, p99 {ProcessChat.Percentile(remoteMs, 99):F2} ms, max {remoteMs.Max():F2} ms");
        var extra = remoteMs.Zip(localMs, (r, l) => r - l).ToList();
        output.WriteLine($"the backplane's part (other node - same node): p50 {ProcessChat.Percentile(extra, 50):F2} ms, p99 {ProcessChat.Percentile(extra, 99):F2} ms");
    }

    [Fact]
    public async Task Typing_and_read_receipts_cross_nodes()
    {
        var roomId = await nodes.CreateRoomAsync("transient");
        await using var onB = await RoomWatcher.StartAsync(nodes.B.Channel(nodes.BobToken), roomId);
        var chat = new ChatServiceClient(nodes.A.Channel(nodes.AnnToken));
        var message = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = "read me" })).Message;

        await chat.SetTypingAsync(new SetTypingRequest { RoomId = roomId, Typing = true });
        var typing = (await onB.NextAsync(ChatEvent.KindOneofCase.Typing)).Typing;
        await chat.MarkReadAsync(new MarkReadRequest { RoomId = roomId, Sequence = message.Sequence });
        var receipt = (await onB.NextAsync(ChatEvent.KindOneofCase.Receipt)).Receipt;

        Assert.Equal(nodes.Ann.Id, typing.UserId);
        Assert.Equal(roomId, typing.RoomId);
        Assert.Equal(nodes.Ann.Id, receipt.UserId);
        Assert.Equal(message.Sequence, receipt.Sequence);
    }

    [Fact]
    public async Task After_its_listen_connection_is_killed_a_node_reconnects_and_delivers_what_was_sent_while_it_was_deaf()
    {
        var roomId = await nodes.CreateRoomAsync("deaf");
        await using var onB = await RoomWatcher.StartAsync(nodes.B.Channel(nodes.BobToken), roomId);
        var start = onB.CaughtUp;
        var chat = new ChatServiceClient(nodes.A.Channel(nodes.AnnToken));
        var reconnectsBefore = nodes.B.OutputCount(Reconnected);

        // Both nodes' listeners go; the nodes wait ReconnectDelay (2 s here) before they listen again, so these
        // sends are announced to nobody: only the resync after the reconnect can bring them to Bob.
        var killed = await nodes.TerminateListenersAsync();
        var sent = new List<Message>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add((await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = "while deaf " + i })).Message);
        }

        var received = (await onB.RoomEventsAsync(5)).Select(e => e.Event).ToList();

        Assert.Equal(2, killed);
        await nodes.B.WaitForOutputAsync(Reconnected, reconnectsBefore + 1, TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => start + i), received.Select(e => e.Sequence));
        Assert.Equal(sent.Select(m => m.Id), received.Select(e => e.MessagePosted.Id));

        // And live delivery is back.
        var after = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = "heard again" })).Message;
        Assert.Equal(after.Id, (await onB.RoomEventsAsync(1))[0].Event.MessagePosted.Id);
    }

    [Fact]
    public async Task Notifications_that_are_malformed_or_forged_are_ignored()
    {
        var roomId = await nodes.CreateRoomAsync("forged");
        await using var onB = await RoomWatcher.StartAsync(nodes.B.Channel(nodes.BobToken), roomId);
        var start = onB.CaughtUp;

        // Anyone who can connect to the database can NOTIFY: junk, a stored event claimed as a transient one, a typing
        // event about another room, a sequence beyond the log, each must leave the subscriber's stream as it was.
        var forgedRoomEvent = Convert.ToBase64String(new ChatEvent { RoomEvent = new RoomEvent { RoomId = roomId, Sequence = start + 1 } }.ToByteArray());
        var otherRoomTyping = Convert.ToBase64String(new ChatEvent { Typing = new TypingEvent { RoomId = "elsewhere", UserId = "x" } }.ToByteArray());
        await nodes.NotifyAsync(
            "garbage",
            "1|s|forger|" + nodes.Ann.TenantId + "|" + roomId + "|-4",
            "1|t|forger|" + nodes.Ann.TenantId + "|" + roomId + "|" + forgedRoomEvent,
            "1|t|forger|" + nodes.Ann.TenantId + "|" + roomId + "|" + otherRoomTyping,
            "1|t|forger|" + nodes.Ann.TenantId + "|" + roomId + "|not base64!",
            "1|s|forger|" + nodes.Ann.TenantId + "|" + roomId + "|" + (start + 50),
            "2|s|forger|" + nodes.Ann.TenantId + "|" + roomId + "|1");
        var message = (await new ChatServiceClient(nodes.A.Channel(nodes.AnnToken)).SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = "real" })).Message;
        var next = await onB.NextAsync();

        Assert.Equal(message.Id, next.Event.RoomEvent?.MessagePosted?.Id);
        Assert.Equal(start + 1, next.Event.RoomEvent!.Sequence);
        Assert.False(nodes.B.HasExited);
    }

    private static async Task SendAsync(AtomChannel channel, string roomId, string who, int count, ConcurrentDictionary<string, Message> acked)
    {
        var chat = new ChatServiceClient(channel);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var message = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = roomId, Text = $"{who} {i}", RequestId = $"{who}-{i}" })).Message;
                Assert.True(acked.TryAdd(message.Id, message));
            }
        })));
    }

    /// <summary>Node A and node B on one fresh database; Ann and Bob in the default tenant.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "atom-nodes-" + Guid.NewGuid().ToString("N")[..12]);

        public StorageOptions Storage { get; private set; } = null!;

        public ServerProcess A { get; private set; } = null!;

        public ServerProcess B { get; private set; } = null!;

        public User Ann { get; private set; } = null!;

        public string AnnToken { get; private set; } = null!;

        public User Bob { get; private set; } = null!;

        public string BobToken { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Storage = new StorageOptions { Provider = "postgres", ConnectionString = await PostgresServer.CreateDatabaseAsync() };
            string[] args =
            [
                .. ProcessChat.Arguments, "--Atom:Storage:Provider=postgres", $"--Atom:Storage:ConnectionString={Storage.ConnectionString}", "--Atom:Backplane=postgres",
                "--Atom:Chat:Backplane:ReconnectDelay=00:00:02", "--Logging:LogLevel:Atom.Server.Chat.Backplane=Information",
            ];

            // One after the other: the first migrates and bootstraps the database, the second finds it ready.
            A = await ServerProcess.StartAsync([.. args, $"--Atom:DataDir={_dataDir}-a"]);
            B = await ServerProcess.StartAsync([.. args, $"--Atom:DataDir={_dataDir}-b"]);
            (Ann, AnnToken) = await ProcessChat.SignedInUserAsync(A, "ann@example.com");
            (Bob, BobToken) = await ProcessChat.SignedInUserAsync(B, "bob@example.com");
        }

        public Task<string> CreateRoomAsync(string name) => ProcessChat.CreateRoomAsync(A, AnnToken, name + "-" + Guid.NewGuid().ToString("N")[..6], Bob);

        /// <summary>Ends every backplane LISTEN connection from the database's side, as a failover or a network cut would.</summary>
        /// <returns>How many were ended.</returns>
        public async Task<int> TerminateListenersAsync()
        {
            await using var connection = new NpgsqlConnection(Storage.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", connection);
            command.Parameters.AddWithValue("name", PostgresRoomListener.ApplicationName);
            return (int)(long)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Sends raw notifications on the backplane's channel, as anyone with a database login could.</summary>
        public async Task NotifyAsync(params string[] payloads)
        {
            await using var connection = new NpgsqlConnection(Storage.ConnectionString);
            await connection.OpenAsync();
            foreach (var payload in payloads)
            {
                await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                command.Parameters.AddWithValue("channel", RoomNotification.Channel);
                command.Parameters.AddWithValue("payload", payload);
                await command.ExecuteNonQueryAsync();
            }
        }

        public async Task DisposeAsync()
        {
            if (B is not null)
            {
                await B.DisposeAsync();
            }

            if (A is not null)
            {
                await A.DisposeAsync();
            }
        }
    }
}
