using System.Text;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>The factor operations (R1–R4 of docs/protocol/device.md §1.4) over the transport and local stores.</summary>
internal sealed class PushFactors(ApiTransport transport, LocalKeys keys, LocalFactors factors, DeviceInfo device)
{
    public async Task<Factor> CreateAsync(PushFactorPayload payload, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(payload.AccessToken))
        {
            throw VerifyClientException.Input(InputErrorReason.InvalidInput, "Empty access token");
        }

        var path = ApiPaths.Factors(payload.ServiceSid, payload.Identity);
        var (alias, publicKey) = await keys.CreateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var platform = PlatformFor(payload.PushToken);
            var form = new List<KeyValuePair<string, string>>
            {
                new("FriendlyName", payload.FriendlyName),
                new("FactorType", "push"),
                new("Binding.PublicKey", Convert.ToBase64String(publicKey)),
                new("Binding.Alg", "ES256"),
            };
            AddConfig(form, platform, payload.PushToken);
            if (payload.Metadata is { } metadata)
            {
                form.Add(new("Metadata", MetadataJson(metadata)));
            }

            var response = await transport.SendWithAccessTokenAsync(ApiRequest.Post(path, form), payload.AccessToken, cancellationToken).ConfigureAwait(false);
            var factor = FactorMapper.FromApi(response.Body, payload.ServiceSid, payload.Identity, alias, platform);
            await factors.SaveAsync(factor, cancellationToken).ConfigureAwait(false);
            return factor;
        }
        catch
        {
            // Note: a factor that was not stored can never be used, so its key must not linger.
            await keys.DeleteQuietlyAsync(alias).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Factor> VerifyAsync(string factorSid, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(factorSid, cancellationToken).ConfigureAwait(false);
        var signature = await keys.SignDerAsync(factor.KeyAlias, Encoding.UTF8.GetBytes(factor.Sid), cancellationToken).ConfigureAwait(false);
        var form = new List<KeyValuePair<string, string>> { new("AuthPayload", Convert.ToBase64String(signature)) };
        var response = await transport.SendAsDeviceAsync(ApiRequest.Post(ApiPaths.Factor(factor), form), factor, cancellationToken).ConfigureAwait(false);
        var verified = factor with { Status = FactorMapper.StatusFromApi(response.Body) };
        await factors.SaveAsync(verified, cancellationToken).ConfigureAwait(false);
        return verified;
    }

    public async Task<Factor> UpdateAsync(string factorSid, string? pushToken, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(factorSid, cancellationToken).ConfigureAwait(false);
        var platform = PlatformFor(pushToken);
        // Note: the SDK resends the locally stored friendly name, unchanged, and never Metadata.
        var form = new List<KeyValuePair<string, string>> { new("FriendlyName", factor.FriendlyName) };
        AddConfig(form, platform, pushToken);
        var response = await transport.SendAsDeviceAsync(ApiRequest.Post(ApiPaths.Factor(factor), form), factor, cancellationToken).ConfigureAwait(false);
        var updated = FactorMapper.FromApi(response.Body, factor.ServiceSid, factor.Identity, factor.KeyAlias, platform);
        // Note: Android does not persist the update answer; only the platform choice is kept locally.
        await factors.SaveAsync(factor with { NotificationPlatform = platform }, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task DeleteAsync(string factorSid, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(factorSid, cancellationToken).ConfigureAwait(false);
        await transport.SendAsDeviceAsync(ApiRequest.Delete(ApiPaths.Factor(factor)), factor, cancellationToken).ConfigureAwait(false);
        await factors.DeleteAsync(factor.Sid, cancellationToken).ConfigureAwait(false);
        await keys.DeleteAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false);
    }

    public async Task ClearLocalAsync(CancellationToken cancellationToken)
    {
        foreach (var factor in await factors.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            await keys.DeleteAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false);
            await factors.DeleteAsync(factor.Sid, cancellationToken).ConfigureAwait(false);
        }
    }

    private string PlatformFor(string? pushToken) =>
        string.IsNullOrWhiteSpace(pushToken) ? NotificationPlatforms.None : device.PushPlatform;

    private void AddConfig(List<KeyValuePair<string, string>> form, string platform, string? pushToken)
    {
        form.Add(new("Config.SdkVersion", device.SdkVersion));
        form.Add(new("Config.AppId", device.AppId));
        form.Add(new("Config.NotificationPlatform", platform));
        if (platform != NotificationPlatforms.None)
        {
            form.Add(new("Config.NotificationToken", pushToken!));
        }
    }

    private static string MetadataJson(IReadOnlyDictionary<string, string> metadata) =>
        Encoding.UTF8.GetString(DeviceJwtSigner.Json(w =>
        {
            foreach (var (key, value) in metadata)
            {
                w.WriteString(key, value);
            }
        }));
}
