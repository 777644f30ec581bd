using Atom.Server.Voice.Synthesis.Internal;

namespace Atom.Server.Tests.Voice.Synthesis;

public sealed class SynthesisTextTests
{
    [Theory]
    [InlineData("<speak>Hello <emphasis>world</emphasis></speak>", "Hello world")]
    [InlineData("AT&amp;T &lt;rocks&gt;", "AT&T <rocks>")]
    [InlineData("a < b and c > d, <3", "a < b and c > d, <3")]
    [InlineData("bell\u0007 and \u0001embedded command\u0000 nul", "bell and embedded command nul")]
    [InlineData("zero\u200Bwidth \u202Eoverride", "zerowidth override")]
    [InlineData("<!-- hidden -->shown", "shown")]
    [InlineData("  many\n\n  lines\t ", "many lines")]
    public void Markup_and_control_characters_are_removed_not_spoken(string input, string spoken) =>
        Assert.Equal(spoken, SynthesisRequestValidation.Clean(input));
}
