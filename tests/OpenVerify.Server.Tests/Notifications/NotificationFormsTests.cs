using OpenVerify.Server.Notifications;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Notifications;

/// <summary>The CreateNotification input record, read from forms without a server.</summary>
[StorageFree]
public sealed class NotificationFormsTests
{
    [Theory]
    [InlineData(null, NotificationForms.MaxTtl)]
    [InlineData("0", 0)]
    [InlineData("300", 300)]
    public void Ttl_defaults_to_the_largest(string? sent, int expected) =>
        Assert.Equal(expected, NotificationForms.ReadCreate(sent is null ? Of() : Of(("Ttl", sent))).Ttl);

    [Theory]
    [InlineData("-1")]
    [InlineData("301")]
    [InlineData("soon")]
    public void Ttl_out_of_range_answers_60200(string sent) =>
        Refuses(60200, 400, () => NotificationForms.ReadCreate(Of(("Ttl", sent))));
}
