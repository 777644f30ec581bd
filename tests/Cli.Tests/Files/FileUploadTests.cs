using Atom.Cli.Files;
using Atom.V1;

namespace Atom.Cli.Tests.Files;

public sealed class FileUploadTests
{
    [Fact]
    public void Nothing_committed_means_the_whole_file_is_missing() =>
        Assert.Equal([(0L, 100L)], FileUpload.Missing([], 100));

    [Fact]
    public void The_gaps_between_committed_ranges_are_missing_in_order_whatever_order_the_ranges_come_in() =>
        Assert.Equal([(0L, 10L), (30L, 20L), (90L, 10L)], FileUpload.Missing([Range(60, 30), Range(10, 20), Range(50, 10)], 100));

    [Fact]
    public void Overlapping_ranges_and_a_complete_file_leave_nothing_missing()
    {
        Assert.Empty(FileUpload.Missing([Range(0, 60), Range(40, 60)], 100));
        Assert.Equal([(50L, 50L)], FileUpload.Missing([Range(0, 50), Range(10, 20)], 100));
    }

    private static ByteRange Range(long offset, long length) => new() { Offset = offset, Length = length };
}
