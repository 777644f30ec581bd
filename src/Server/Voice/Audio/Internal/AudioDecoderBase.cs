using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Atom.Server.Voice.Audio.Internal;

/// <summary>
/// What every decoder shares: the queue of decoded blocks between the writer and the reader, and the duration limit.
/// The queue is unbounded because the limit bounds it: at most <see cref="AudioOptions.MaxDuration"/> of samples.
/// </summary>
internal abstract class AudioDecoderBase(AudioSourceFormat format, TimeSpan maxDuration) : IAudioDecoder
{
    private readonly Channel<ReadOnlyMemory<short>> blocks = Channel.CreateUnbounded<ReadOnlyMemory<short>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly long maxSamples = (long)Math.Min(long.MaxValue / 2, maxDuration.TotalSeconds * AudioSourceFormat.TargetSampleRate);
    private long produced;

    public AudioSourceFormat Format => format;

    public TimeSpan Decoded => TimeSpan.FromSeconds((double)Interlocked.Read(ref produced) / AudioSourceFormat.TargetSampleRate);

    public bool LimitReached { get; private set; }

    /// <summary>Gets whether no more samples will be produced: the limit was reached, the input failed or ended.</summary>
    protected bool Finished { get; private set; }

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    public async IAsyncEnumerable<ReadOnlyMemory<short>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var block in blocks.Reader.ReadAllAsync(cancellationToken))
        {
            yield return block;
        }
    }

    public virtual ValueTask DisposeAsync()
    {
        Finish();
        return ValueTask.CompletedTask;
    }

    /// <summary>Queues decoded samples, cut at the limit; false once the limit is reached and decoding should stop.</summary>
    protected bool Emit(short[] samples)
    {
        if (Finished)
        {
            return false;
        }

        var room = maxSamples - produced;
        if (samples.Length > room)
        {
            if (room > 0)
            {
                blocks.Writer.TryWrite(samples.AsMemory(0, (int)room));
                Interlocked.Add(ref produced, room);
            }

            LimitReached = true;
            Finish();
            return false;
        }

        if (samples.Length > 0)
        {
            blocks.Writer.TryWrite(samples);
            Interlocked.Add(ref produced, samples.Length);
        }

        return true;
    }

    /// <summary>Ends the samples, with the error the reader should see after them, if any.</summary>
    protected void Finish(Exception? error = null)
    {
        if (!Finished)
        {
            Finished = true;
            blocks.Writer.TryComplete(error);
        }
    }

    /// <summary>Fails the decoder: the reader sees the error after the samples before it; the caller gets it thrown.</summary>
    protected Exception Fail(Exception error)
    {
        Finish(error);
        return error;
    }
}
