namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// At most <see cref="Capacity"/> pocketsphinx decoders, created on first need (each takes about half a second and 30 MB)
/// and reused: a session rents one and gives it back when disposed, reset for the next. A live session that finds none free
/// is refused at once; a whole-file transcription waits. A decoder that failed is freed instead of reused.
/// </summary>
internal sealed class DecoderPool : IDisposable
{
    private readonly Func<PocketSphinxDecoder> create;
    private readonly SemaphoreSlim slots;
    private readonly Stack<PocketSphinxDecoder> idle = new();
    private readonly Lock sync = new();
    private bool disposed;

    public DecoderPool(int capacity, Func<PocketSphinxDecoder> create)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        this.create = create;
        slots = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets the most decoders in use at once.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many are rented now.</summary>
    public int InUse => Capacity - slots.CurrentCount;

    /// <summary>Gets how many are created and waiting.</summary>
    public int Idle
    {
        get
        {
            lock (sync)
            {
                return idle.Count;
            }
        }
    }

    /// <summary>Rents a decoder.</summary>
    /// <param name="wait">Whether to wait for one to be free; otherwise <see cref="RecognizerBusyException"/> when none is.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async ValueTask<DecoderLease> RentAsync(bool wait, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (wait)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!slots.Wait(0, CancellationToken.None))
        {
            throw new RecognizerBusyException(Capacity);
        }

        try
        {
            PocketSphinxDecoder? decoder;
            lock (sync)
            {
                idle.TryPop(out decoder);
            }

            // Off the caller's thread: loading the model blocks for half a second.
            decoder ??= await Task.Run(create, CancellationToken.None).ConfigureAwait(false);
            return new DecoderLease(this, decoder);
        }
        catch
        {
            slots.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (sync)
        {
            disposed = true;
            while (idle.TryPop(out var decoder))
            {
                decoder.Dispose();
            }
        }
    }

    internal void Return(PocketSphinxDecoder decoder)
    {
        try
        {
            if (!decoder.Broken)
            {
                decoder.Reset();
            }
        }
        catch (InvalidOperationException)
        {
            // Broken now: freed below.
        }

        lock (sync)
        {
            if (decoder.Broken || disposed)
            {
                decoder.Dispose();
            }
            else
            {
                idle.Push(decoder);
            }
        }

        slots.Release();
    }
}

/// <summary>A rented decoder; disposing it gives it back to the pool, once.</summary>
internal sealed class DecoderLease(DecoderPool pool, PocketSphinxDecoder decoder) : IDisposable
{
    private int returned;

    public PocketSphinxDecoder Decoder { get; } = decoder;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref returned, 1) == 0)
        {
            pool.Return(Decoder);
        }
    }
}
