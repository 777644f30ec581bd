using System.Text;
using Atom.Server.Rpc.Internal.Faces;

namespace Atom.Server.Tests.Rpc.Internal;

public sealed class GrpcWebTextTests
{
    [Theory]
    [InlineData("AAAAAAVoZWxsbw==", "\0\0\0\0\u0005hello")]
    [InlineData("aGk=aGk=", "hihi")]
    [InlineData("aGk=aGV5", "hihey")]
    [InlineData("", "")]
    public void Decodes_base64_with_padding_between_chunks(string text, string expected)
    {
        Assert.True(GrpcWebText.TryDecode(Encoding.ASCII.GetBytes(text), out var bytes));
        Assert.Equal(expected, Encoding.Latin1.GetString(bytes));
    }

    [Theory]
    [InlineData("aGk")]
    [InlineData("a*k=")]
    [InlineData("=aGk")]
    public void Rejects_text_that_is_not_base64(string text) =>
        Assert.False(GrpcWebText.TryDecode(Encoding.ASCII.GetBytes(text), out _));
}
