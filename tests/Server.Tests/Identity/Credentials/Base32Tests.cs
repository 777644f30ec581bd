using System.Text;
using Atom.Server.Identity.Credentials;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class Base32Tests
{
    // RFC 4648 §10 test vectors.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY======")]
    [InlineData("fo", "MZXQ====")]
    [InlineData("foo", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI======")]
    public void Matches_rfc4648(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text), padding: true));
        Assert.Equal(encoded.TrimEnd('='), Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.True(Base32.TryDecode(encoded, out var decoded));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded));
        Assert.True(Base32.TryDecode(encoded.TrimEnd('=').ToLowerInvariant(), out decoded));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData("MZXW1")]
    [InlineData("M")]
    [InlineData("MZX")]
    [InlineData("MZXW6Y")]
    public void Rejects_foreign_characters_and_impossible_lengths(string text) => Assert.False(Base32.TryDecode(text, out _));

    [Fact]
    public void Random_bytes_round_trip()
    {
        for (var length = 0; length < 40; length++)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
            Assert.True(Base32.TryDecode(Base32.Encode(bytes), out var back));
            Assert.Equal(bytes, back);
        }
    }
}
