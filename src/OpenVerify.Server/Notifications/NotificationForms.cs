using OpenVerify.Server.Http;

namespace OpenVerify.Server.Notifications;

/// <summary>The CreateNotification form (docs/protocol/rest-api.md §2.6), read into a checked input; <see cref="NotificationsApi"/> applies it.</summary>
public static class NotificationForms
{
    /// <summary>Default and largest TTL in seconds.</summary>
    public const int MaxTtl = 300;

    /// <summary>What a CreateNotification request carries, checked: <c>Ttl</c>, 0 (one immediate attempt) to <see cref="MaxTtl"/>.</summary>
    public sealed record CreateInput(int Ttl);

    /// <summary>Reads a CreateNotification form.</summary>
    public static CreateInput ReadCreate(VerifyForm form) => new(form.Int("Ttl", 0, MaxTtl) ?? MaxTtl);
}
