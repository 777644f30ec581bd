using Atom.Server.Identity.Credentials;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void Generated_keys_have_the_documented_shape()
    {
        var key = ApiKeySecret.Generate();
        Assert.Matches("^atom_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$", key);
        Assert.True(ApiKeySecret.TryParse(key, out var prefix, out _));
        Assert.Equal(key.Substring(5, 8), prefix);
    }

    [Theory]
    [InlineData("", "57 characters")]
    [InlineData("atom_abcdefgh_tooshort", "57 characters")]
    [InlineData("mota_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "form atom_")]
    [InlineData("atom_ABCDEFGH_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "a-z and 0-9")]
    [InlineData("atom_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", "base64url")]
    public void Malformed_keys_say_why(string key, string reason)
    {
        Assert.False(ApiKeySecret.TryParse(key, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
