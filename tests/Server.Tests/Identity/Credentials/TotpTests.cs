using System.Security.Cryptography;
using System.Text;
using Atom.Server.Identity.Credentials;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class TotpTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 4226 Appendix D: HOTP values for counters 0..9.
    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Hotp_matches_rfc4226(long counter, string expected) => Assert.Equal(expected, Totp.Compute(Sha1Seed, counter));

    // RFC 6238 Appendix B: 8-digit TOTP for SHA1, SHA256 and SHA512 with their seeds.
    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Totp_matches_rfc6238(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Equal(sha1, Totp.Compute(Sha1Seed, step, 8));
        Assert.Equal(sha256, Totp.Compute(Encoding.ASCII.GetBytes("12345678901234567890123456789012"), step, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, Totp.Compute(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1234567890", 6)) + "1234"), step, 8, HashAlgorithmName.SHA512));
    }

    [Fact]
    public void Codes_of_the_previous_current_and_next_step_match_and_no_others()
    {
        var secret = Base32.Encode(Sha1Seed);
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var step = Totp.StepAt(now);
        for (var offset = -3; offset <= 3; offset++)
        {
            var code = Totp.Compute(Sha1Seed, step + offset);
            var matched = Totp.TryMatch(secret, code, now, null, out var matchedStep);
            Assert.Equal(Math.Abs(offset) <= 1, matched);
            if (matched)
            {
                Assert.Equal(step + offset, matchedStep);
            }
        }
    }

    [Fact]
    public void A_step_at_or_before_the_last_accepted_is_a_replay()
    {
        var secret = Base32.Encode(Sha1Seed);
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var step = Totp.StepAt(now);
        var code = Totp.Compute(Sha1Seed, step);

        Assert.True(Totp.TryMatch(secret, code, now, step - 1, out _));
        Assert.False(Totp.TryMatch(secret, code, now, step, out _));
        Assert.False(Totp.TryMatch(secret, code, now, step + 1, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void Malformed_codes_never_match(string code) =>
        Assert.False(Totp.TryMatch(Totp.NewSecret(), code, DateTimeOffset.UtcNow, null, out _));

    [Fact]
    public void The_otpauth_uri_carries_secret_issuer_and_parameters()
    {
        var uri = Totp.OtpAuthUri("JBSWY3DPEHPK3PXP", "Atom", "jane@example.com");
        Assert.Equal("otpauth://totp/Atom:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Atom&algorithm=SHA1&digits=6&period=30", uri);
    }

    [Fact]
    public void New_secrets_are_160_bits()
    {
        Assert.True(Base32.TryDecode(Totp.NewSecret(), out var key));
        Assert.Equal(20, key.Length);
    }

    [Fact]
    public void Recovery_codes_are_ten_distinct_codes_of_the_documented_shape()
    {
        var codes = RecoveryCodes.Generate();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", c));
        Assert.Equal(RecoveryCodes.Hash("u1", codes[0]), RecoveryCodes.Hash("u1", " " + codes[0].ToUpperInvariant().Replace("-", "", StringComparison.Ordinal)));
        Assert.NotEqual(RecoveryCodes.Hash("u1", codes[0]), RecoveryCodes.Hash("u2", codes[0]));
    }
}
