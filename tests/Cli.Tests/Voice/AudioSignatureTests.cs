using Atom.Cli.Voice;
using Atom.V1;

namespace Atom.Cli.Tests.Voice;

public sealed class AudioSignatureTests
{
    [Theory]
    [InlineData("52494646 24080000 57415645", AudioEncoding.Wav)]
    [InlineData("4F676753 00020000 00000000", AudioEncoding.Ogg)]
    [InlineData("664C6143 00000022 10001000", AudioEncoding.Flac)]
    [InlineData("1A45DFA3 9F428681 01000000", AudioEncoding.Webm)]
    [InlineData("00000020 66747970 4D344120", AudioEncoding.M4A)]
    [InlineData("49443304 00000000 0023", AudioEncoding.Mp3)]
    [InlineData("FFFB9064 00000000", AudioEncoding.Mp3)]
    public void The_first_bytes_say_the_encoding(string hex, AudioEncoding expected) =>
        Assert.Equal(expected, AudioSignature.Detect(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal))));

    [Theory]
    [InlineData("52494646 24080000 41564920")]
    [InlineData("FFFD9064 00000000")]
    [InlineData("7B227465 7874223A")]
    [InlineData("5249")]
    [InlineData("")]
    public void Anything_else_is_unknown_even_when_it_starts_alike(string hex) =>
        Assert.Equal(AudioEncoding.Unspecified, AudioSignature.Detect(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal))));

    [Fact]
    public void A_file_is_told_by_its_content_not_its_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"atom-sig-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, Convert.FromHexString("4F67675300020000000000000000"));
        try
        {
            Assert.Equal(AudioEncoding.Ogg, AudioSignature.Of(path));
            File.WriteAllText(path, "not audio at all");
            Assert.Throws<FormatException>(() => AudioSignature.Of(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
