using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Protocol.Tests.Wire;

public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a":1,"a":1}""")]
    [InlineData("""{"a":1,"\u0061":2}""")]
    [InlineData("""{"o":{"b":true,"b":false}}""")]
    [InlineData("""[{"x":1},{"y":2,"y":3}]""")]
    [InlineData("""{"a":{},"b":[],"c":{"a":1,"a":2}}""")]
    public void A_member_named_twice_at_any_level_is_refused(string json)
    {
        Assert.False(StrictJson.TryParse(json, out _));
        Assert.False(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("""{"a":1,"A":2}""")]
    [InlineData("""{"o":{"a":1},"p":{"a":1}}""")]
    [InlineData("""[{"a":1},{"a":1}]""")]
    [InlineData("""{"":1,"\u00e9":2,"e\u0301":3}""")]
    public void The_same_name_in_another_case_another_object_or_another_normal_form_is_not_a_duplicate(string json)
    {
        Assert.True(StrictJson.TryParse(json, out var document));
        document.Dispose();
    }

    [Fact]
    public void Nesting_is_bounded_at_MaxDepth_levels_with_the_root_counted()
    {
        var deepest = new string('[', StrictJson.MaxDepth) + new string(']', StrictJson.MaxDepth);
        var deeper = "[" + deepest + "]";
        Assert.True(StrictJson.TryParse(deepest, out var document));
        document.Dispose();
        Assert.False(StrictJson.TryParse(deeper, out _));
        Assert.False(StrictJson.TryParse(new string('{', 10_000), out _));
    }

    [Theory]
    [InlineData("""{"k":"\ud800"}""")]
    [InlineData("""{"k":"\udc00\ud800"}""")]
    [InlineData("""{"\ud800":"v"}""")]
    [InlineData("""["ok",["\udfff"]]""")]
    public void A_string_with_an_escaped_lone_surrogate_is_refused_because_it_cannot_be_read(string json) =>
        Assert.False(StrictJson.TryParse(json, out _));

    [Fact]
    public void Text_that_is_not_utf8_or_has_a_raw_lone_surrogate_is_refused()
    {
        Assert.False(StrictJson.TryParse(new byte[] { (byte)'{', (byte)'"', (byte)'k', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' }, out _));
        Assert.False(StrictJson.TryParse(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, out _));
        Assert.False(StrictJson.TryParse("{\"k\":\"\ud800\"}", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""/* c */ {"a":1}""")]
    [InlineData("""{'a':1}""")]
    [InlineData("NaN")]
    [InlineData("""{"a":1} {"b":2}""")]
    public void Text_that_is_not_strict_rfc_8259_json_is_refused(string json) => Assert.False(StrictJson.TryParse(json, out _));

    [Fact]
    public void A_well_formed_document_is_returned_with_its_values()
    {
        Assert.True(StrictJson.TryParse("""{"sub":"AC1","exp":1e308,"n":[null,true,{"\u0073":"\ud83d\ude00"}]}""", out var document));
        using (document)
        {
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.Equal("\ud83d\ude00", document.RootElement.GetProperty("n")[2].GetProperty("s").GetString());
        }
    }
}
