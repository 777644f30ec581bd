using Atom.Cli.Chat;

namespace Atom.Cli.Tests.Chat;

public sealed class EventCursorTests
{
    [Fact]
    public void Only_the_next_sequence_is_printed_what_came_before_is_skipped_and_a_jump_is_a_gap()
    {
        var cursor = new EventCursor(after: 5);

        Assert.Equal(EventPlace.Seen, cursor.Place(4));
        Assert.Equal(EventPlace.Seen, cursor.Place(5));
        Assert.Equal(EventPlace.Next, cursor.Place(6));
        Assert.Equal(EventPlace.Gap, cursor.Place(7));
    }

    [Fact]
    public void A_resumed_stream_that_repeats_what_was_printed_prints_each_event_once_in_order()
    {
        // The first stream printed 1..3 and dropped; the server's catch-up for the second starts earlier than the
        // cursor (as a ResumePoint counting dropped events would make it), and the third jumps ahead.
        var cursor = new EventCursor(after: 0);
        long[][] streams = [[1, 2, 3], [2, 3, 4, 5], [7], [6, 7, 8]];
        var printed = new List<long>();
        foreach (var stream in streams)
        {
            foreach (var sequence in stream)
            {
                var place = cursor.Place(sequence);
                if (place == EventPlace.Gap)
                {
                    break; // resume from the cursor
                }

                if (place == EventPlace.Next)
                {
                    printed.Add(sequence);
                    cursor.Printed(sequence);
                }
            }
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], printed);
        Assert.Equal(8, cursor.Last);
    }

    [Fact]
    public void Printing_out_of_order_is_refused()
    {
        var cursor = new EventCursor(after: 1);

        Assert.Throws<InvalidOperationException>(() => cursor.Printed(3));
        Assert.Throws<InvalidOperationException>(() => cursor.Printed(1));
        Assert.Equal(1, cursor.Last);
    }
}
