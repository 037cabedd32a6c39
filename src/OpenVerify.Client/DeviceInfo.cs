using System.Reflection;
using System.Runtime.InteropServices;

namespace OpenVerify.Client;

/// <summary>
/// What the client says about the app and device: the <c>User-Agent</c> parts and the factor's
/// <c>Config.*</c> values. Defaults describe the running .NET process; a MAUI app sets its own.
/// </summary>
/// <remarks>
/// The User-Agent has the Android SDK's nine fields separated by <c>"; "</c>:
/// <c>{AppName}; {OsName}; {AppVersion}; {AppBuild}; {OsVersion}; {Model}; {SdkName}; {SdkVersion}; {SdkBuild}</c>.
/// </remarks>
public sealed record DeviceInfo
{
    /// <summary>The app's display name (Android: application label).</summary>
    public string AppName { get; init; } = Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown";

    /// <summary>The app id sent as <c>Config.AppId</c> (Android: package name; iOS: bundle id; the APNs topic).</summary>
    public string AppId { get; init; } = Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown";

    /// <summary>The app's version name.</summary>
    public string AppVersion { get; init; } = Assembly.GetEntryAssembly()?.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The app's build number (Android: version code).</summary>
    public string AppBuild { get; init; } = "0";

    /// <summary>The OS family, e.g. <c>Android</c>, <c>iOS</c>, <c>Linux</c>.</summary>
    public string OsName { get; init; } = DefaultOsName();

    /// <summary>The OS version text, e.g. <c>Android 14 (34)</c>.</summary>
    public string OsVersion { get; init; } = RuntimeInformation.OSDescription;

    /// <summary>The device model (Android: <c>Build.MODEL</c>); defaults to the process architecture.</summary>
    public string Model { get; init; } = RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The SDK name in the User-Agent. Defaults to the Android SDK's, whose wire behaviour this client reproduces.</summary>
    public string SdkName { get; init; } = "VerifySDK";

    /// <summary>The SDK version: the User-Agent's and <c>Config.SdkVersion</c>. Defaults to the Android SDK version this client matches.</summary>
    public string SdkVersion { get; init; } = "0.9.0";

    /// <summary>The SDK build number in the User-Agent.</summary>
    public string SdkBuild { get; init; } = "2013";

    /// <summary>
    /// <c>Config.NotificationPlatform</c> sent when a push token is given: <c>fcm</c> (Android's, the
    /// default) or <c>apn</c> for APNs tokens. Without a token the client always sends <c>none</c>.
    /// </summary>
    public string PushPlatform { get; init; } = Protocol.Wire.NotificationPlatforms.Fcm;

    /// <summary>The User-Agent header value.</summary>
    public string UserAgent =>
        string.Join("; ", AppName, OsName, AppVersion, AppBuild, OsVersion, Model, SdkName, SdkVersion, SdkBuild);

    private static string DefaultOsName() =>
        OperatingSystem.IsAndroid() ? "Android"
        : OperatingSystem.IsIOS() ? "iOS"
        : OperatingSystem.IsWindows() ? "Windows"
        : OperatingSystem.IsMacOS() ? "macOS"
        : OperatingSystem.IsLinux() ? "Linux"
        : "unknown";
}
