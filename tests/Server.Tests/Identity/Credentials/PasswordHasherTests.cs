using Atom.Server.Identity.Credentials;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class PasswordHasherTests
{
    // RFC 7914 §11: PBKDF2-HMAC-SHA256 test vectors.
    [Theory]
    [InlineData("passwd", "salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")]
    [InlineData("Password", "NaCl", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")]
    public void Derivation_matches_the_published_vectors(string password, string salt, int iterations, string expectedHex)
    {
        var derived = PasswordHasher.Derive(password, System.Text.Encoding.UTF8.GetBytes(salt), iterations, 64);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(derived));
    }

    [Fact]
    public void Verify_reads_the_self_describing_format_against_a_published_vector()
    {
        // The first 32 bytes of the RFC 7914 vector, in Atom's format: proves the format, not just a round trip.
        var hash = Convert.FromHexString("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        var encoded = $"pbkdf2-sha256$1${Convert.ToBase64String("salt"u8)}${Convert.ToBase64String(hash)}";
        Assert.True(PasswordHasher.Verify("passwd", encoded));
        Assert.False(PasswordHasher.Verify("passwd!", encoded));
    }

    [Fact]
    public void A_hash_has_the_policy_format_and_round_trips()
    {
        var hasher = new PasswordHasher();
        var encoded = hasher.Hash("correct horse battery staple");
        var parts = encoded.Split('$');

        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.True(PasswordHasher.Verify("correct horse battery staple", encoded));
        Assert.False(PasswordHasher.Verify("correct horse battery stapl", encoded));
        Assert.False(hasher.NeedsRehash(encoded));
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        var hasher = new PasswordHasher(1000);
        Assert.NotEqual(hasher.Hash("same password here"), hasher.Hash("same password here"));
    }

    [Fact]
    public void Fewer_iterations_than_the_policy_need_a_rehash()
    {
        var old = new PasswordHasher(100_000).Hash("a long enough password");
        Assert.True(new PasswordHasher().NeedsRehash(old));
        Assert.True(PasswordHasher.Verify("a long enough password", old));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("pbkdf2-sha256$abc$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1$not base64!$aGFzaA==")]
    [InlineData("bcrypt$10$c2FsdA==$aGFzaA==")]
    public void A_malformed_hash_never_verifies(string? encoded)
    {
        Assert.False(PasswordHasher.Verify("anything", encoded));
        if (encoded is not null)
        {
            Assert.True(new PasswordHasher().NeedsRehash(encoded));
        }
    }
}
