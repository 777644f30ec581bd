using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Voice;

/// <summary>
/// One VoiceService.Transcribe call: the config, then the audio as its source gives it, while the segments are
/// printed as they come back. When the audio ends (or is stopped) the request side is closed and the call runs on
/// until the server has sent the last final segment.
/// </summary>
/// <param name="context">Settings and where to print.</param>
/// <param name="invoker">The connection.</param>
internal sealed class LiveTranscription(CliContext context, CallInvoker invoker)
{
    /// <summary>Runs the call.</summary>
    /// <param name="config">How to listen.</param>
    /// <param name="audio">The audio chunks; they end when the audio does, or when the speaker stops (Ctrl+C for listen).</param>
    /// <param name="printer">Prints the segments.</param>
    /// <param name="callToken">Cancels the call itself: Ctrl+C for a file, nothing for a live source, which Ctrl+C ends instead.</param>
    /// <returns>A task that completes after the last segment.</returns>
    /// <exception cref="RpcException">The call failed.</exception>
    public async Task RunAsync(TranscriptionConfig config, IAsyncEnumerable<ReadOnlyMemory<byte>> audio, TranscriptPrinter printer, CancellationToken callToken)
    {
        // A source that fails (a file that cannot be read) ends the call too, or the responses would wait for ever.
        using var cancelCall = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        using var call = new VoiceServiceClient(invoker).Transcribe(new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = cancelCall.Token });
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        var sending = SendAsync(call.RequestStream, config, audio, stopSending.Token);
        _ = sending.ContinueWith(_ => cancelCall.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            while (await call.ResponseStream.MoveNext(cancelCall.Token).ConfigureAwait(false))
            {
                printer.Print(call.ResponseStream.Current);
            }
        }
        catch (Exception) when (sending.IsFaulted && sending.Exception.InnerException is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"the audio could not be read: {sending.Exception.InnerException.Message}");
        }
        finally
        {
            printer.EndPartial();

            // The responses ended (the server is done, or failed): audio still being sent has nowhere to go, and the
            // response's status says more than the send's own error would.
            await stopSending.CancelAsync().ConfigureAwait(false);
            try
            {
                await sending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task SendAsync(IClientStreamWriter<TranscribeRequest> requests, TranscriptionConfig config, IAsyncEnumerable<ReadOnlyMemory<byte>> audio, CancellationToken token)
    {
        await requests.WriteAsync(new TranscribeRequest { Config = config }, token).ConfigureAwait(false);
        await foreach (var chunk in audio.WithCancellation(token).ConfigureAwait(false))
        {
            await requests.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(chunk.Span) }, token).ConfigureAwait(false);
        }

        await requests.CompleteAsync().ConfigureAwait(false);
    }
}
