using Atom.Server.Identity.Credentials;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class PasswordPolicyTests
{
    [Fact]
    public void A_long_uncommon_password_passes() =>
        Assert.Empty(PasswordPolicy.Check("violet-kettle-orbit-47", "jane.doe@example.com"));

    [Fact]
    public void Too_short_says_how_long_it_is_and_must_be()
    {
        var problem = Assert.Single(PasswordPolicy.Check("short-pw1", null));
        Assert.Equal(PasswordProblemKind.TooShort, problem.Kind);
        Assert.Contains("9 characters", problem.Message, StringComparison.Ordinal);
        Assert.Contains("12", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_limits_are_inclusive_and_count_code_points()
    {
        Assert.Empty(PasswordPolicy.Check(new string('x', 5) + "q7-Zb" + "wk", null));
        Assert.Empty(PasswordPolicy.Check(new string('k', 256), null));
        Assert.Equal(PasswordProblemKind.TooLong, Assert.Single(PasswordPolicy.Check(new string('k', 257), null)).Kind);

        // Eleven emoji are 22 UTF-16 units but 11 characters: too short.
        Assert.Equal(PasswordProblemKind.TooShort, Assert.Single(PasswordPolicy.Check(string.Concat(Enumerable.Repeat("🔑", 11)), null)).Kind);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Qwertyuiop123")]
    [InlineData("CorrectHorseBatteryStaple")]
    [InlineData("iloveyou1234")]
    public void Common_passwords_are_refused_case_insensitively(string password) =>
        Assert.Equal(PasswordProblemKind.Common, Assert.Single(PasswordPolicy.Check(password, null)).Kind);

    [Fact]
    public void The_email_name_is_refused_inside_the_password()
    {
        var problem = Assert.Single(PasswordPolicy.Check("my-JaneDoe-secret-99", "janedoe@example.com"));
        Assert.Equal(PasswordProblemKind.ContainsEmail, problem.Kind);
    }

    [Fact]
    public void Every_failing_rule_is_reported()
    {
        var kinds = PasswordPolicy.Check("qwerty", "qwerty@example.com").Select(p => p.Kind).ToList();
        Assert.Equal([PasswordProblemKind.TooShort, PasswordProblemKind.ContainsEmail], kinds);
    }

    [Fact]
    public void The_deny_list_has_a_few_hundred_entries() => Assert.InRange(CommonPasswords.Count, 200, 2000);
}
