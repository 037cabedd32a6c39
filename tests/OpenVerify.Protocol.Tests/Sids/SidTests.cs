using System.Reflection;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.Protocol.Tests.Sids;

public sealed class SidTests
{
    private const string Valid = "YF0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(SidPrefix.Factor)]
    [InlineData(SidPrefix.Challenge)]
    [InlineData(SidPrefix.Account)]
    public void A_new_sid_is_its_prefix_and_32_lower_case_hex_digits(string prefix)
    {
        var sid = Sid.New(prefix);

        Assert.Equal(Sid.Length, sid.Length);
        Assert.StartsWith(prefix, sid, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", sid[2..]);
        Assert.True(Sid.IsValid(sid, prefix));
    }

    [Fact]
    public void New_sids_do_not_repeat()
    {
        var sids = Enumerable.Range(0, 1000).Select(_ => Sid.New(SidPrefix.Challenge)).ToList();
        Assert.Equal(sids.Count, sids.Distinct().Count());
    }

    [Theory]
    [InlineData(Valid, true)]
    [InlineData("YF0123456789ABCDEF0123456789ABCDEF", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("YF", false)]
    [InlineData("YF0123456789abcdef0123456789abcde", false)]
    [InlineData("YF0123456789abcdef0123456789abcdef0", false)]
    [InlineData("YC0123456789abcdef0123456789abcdef", false)]
    [InlineData("yf0123456789abcdef0123456789abcdef", false)]
    [InlineData("YF0123456789abcdef0123456789abcdeg", false)]
    [InlineData("YF 123456789abcdef0123456789abcdef", false)]
    [InlineData(" YF123456789abcdef0123456789abcdef", false)]
    [InlineData("YF0123456789abcdef0123456789abcde\n", false)]
    [InlineData("YF0123456789abcdef0123456789abcd-f", false)]
    // Non-ASCII digits and letters are not hex digits, whatever char.IsDigit says.
    [InlineData("YF0123456789abcdef0123456789abcd\u0663f", false)]
    [InlineData("YF0123456789abcdef0123456789abcd\uFF21f", false)]
    public void IsValid_wants_the_prefix_and_exactly_32_hex_digits(string? value, bool expected) =>
        Assert.Equal(expected, Sid.IsValid(value, SidPrefix.Factor));

    [Fact]
    public void Every_prefix_is_two_upper_case_letters_and_unique()
    {
        var prefixes = typeof(SidPrefix).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.NotEmpty(prefixes);
        Assert.All(prefixes, p => Assert.Matches("^[A-Z]{2}$", p));
        Assert.Equal(prefixes.Count, prefixes.Distinct().Count());
    }
}
