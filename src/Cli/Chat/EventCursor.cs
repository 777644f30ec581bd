namespace Atom.Cli.Chat;

/// <summary>Where a room event falls relative to what has been printed.</summary>
internal enum EventPlace
{
    /// <summary>Printed already (a catch-up after a reconnect repeats what the last stream delivered): skip it.</summary>
    Seen,

    /// <summary>The very next one: print it.</summary>
    Next,

    /// <summary>Later than the next one: something in between is missing, so resume from the cursor rather than print.</summary>
    Gap,
}

/// <summary>
/// The last sequence of a room that reached the output. Streams resume from here, never from what a server says it
/// delivered (a ResumePoint can count events that were dropped before they reached us), so after any number of
/// reconnects every event is printed once, in order.
/// </summary>
/// <param name="after">The sequence printing starts after: the room's latest for live only, or --from-seq.</param>
internal sealed class EventCursor(long after)
{
    /// <summary>Gets the last sequence printed (or the start point, before anything is).</summary>
    public long Last { get; private set; } = after;

    /// <summary>Tells where an event falls.</summary>
    /// <param name="sequence">The event's sequence.</param>
    /// <returns>Whether to skip it, print it, or resume.</returns>
    public EventPlace Place(long sequence) =>
        sequence <= Last ? EventPlace.Seen : sequence == Last + 1 ? EventPlace.Next : EventPlace.Gap;

    /// <summary>Records that the next event was printed.</summary>
    /// <param name="sequence">Its sequence.</param>
    /// <exception cref="InvalidOperationException">It was not the next one: printing out of order is a bug, not a state to carry on from.</exception>
    public void Printed(long sequence)
    {
        if (sequence != Last + 1)
        {
            throw new InvalidOperationException($"Printed sequence {sequence} after {Last}.");
        }

        Last = sequence;
    }
}
