using Atom.Server.Voice.Recognition.Internal;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>Which heard words a short pause may end: those whose last word can end a sentence or a command.</summary>
public sealed class UnfinishedUtteranceTests
{
    [Theory]
    [InlineData("he was not an ill disposed young man")]
    [InlineData("summarize marketing")]
    [InlineData("cancel")]
    [InlineData("search for quarterly report(2)")]
    public void Finished_words_can_end(string heard) => Assert.True(UnfinishedUtterance.CanEnd(heard));

    [Theory]
    [InlineData("send a message to")]
    [InlineData("send a message to sales saying")]
    [InlineData("search for")]
    [InlineData("he might even have been made the")]
    [InlineData("")]
    public void Open_words_or_none_cannot(string heard) => Assert.False(UnfinishedUtterance.CanEnd(heard));
}
