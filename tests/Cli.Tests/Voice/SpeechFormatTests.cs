using Atom.Cli.Voice;
using Atom.V1;

namespace Atom.Cli.Tests.Voice;

public sealed class SpeechFormatTests
{
    [Theory]
    [InlineData("wav", AudioEncoding.Wav)]
    [InlineData("PCM", AudioEncoding.Linear16)]
    [InlineData("mp3", AudioEncoding.Mp3)]
    [InlineData("ogg", AudioEncoding.Ogg)]
    public void A_format_name_is_the_encoding_asked_for(string name, AudioEncoding expected)
    {
        Assert.True(SpeechFormat.TryParse(name, out var encoding));
        Assert.Equal(expected, encoding);
    }

    [Theory]
    [InlineData("flac")]
    [InlineData("webm")]
    [InlineData("linear16")]
    [InlineData("aiff")]
    public void Formats_synthesis_does_not_return_are_refused(string name) => Assert.False(SpeechFormat.TryParse(name, out _));

    [Theory]
    [InlineData("out.mp3", AudioEncoding.Mp3)]
    [InlineData("OUT.OGG", AudioEncoding.Ogg)]
    [InlineData("x.opus", AudioEncoding.Ogg)]
    [InlineData("x.raw", AudioEncoding.Linear16)]
    [InlineData("x.wav", AudioEncoding.Wav)]
    [InlineData("-", AudioEncoding.Wav)]
    [InlineData("speech", AudioEncoding.Wav)]
    public void Without_format_the_file_name_says(string path, AudioEncoding expected) => Assert.Equal(expected, SpeechFormat.ForPath(path));
}
