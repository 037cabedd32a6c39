namespace OpenVerify.TestKit.Devices;

/// <summary>Which SDK the emulator imitates (docs/protocol/device.md Appendix A).</summary>
public enum DeviceFlavour
{
    /// <summary>twilio-verify-android 0.9.0.</summary>
    Android,

    /// <summary>twilio-verify-ios 3.0.2.</summary>
    Ios,
}
