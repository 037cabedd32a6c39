using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace OpenVerify.AppBackend;

/// <summary>
/// The sample's copy of the server's TimeSpanRangeAttribute (the sample depends on Twilio's helper only): a range check for <see cref="TimeSpan"/> options, bounds written as <c>[d.]hh:mm:ss[.fff]</c>.
/// Note: <c>[Range(typeof(TimeSpan), "…", "…")]</c> converts its bounds lazily, on first use, and is not
/// thread-safe (dotnet/runtime#1143): validation attributes are shared per type, and two hosts
/// validating their options at once (tests start servers in parallel) failed with
/// "Unable to cast TimeSpan to String". These bounds are parsed once, in the constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <summary>A range from <paramref name="minimum"/> to <paramref name="maximum"/>, both included.</summary>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>The smallest value allowed.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>The largest value allowed.</summary>
    public TimeSpan Maximum { get; }

    /// <inheritdoc />
    public override bool IsValid(object? value) => value is null || value is TimeSpan span && span >= Minimum && span <= Maximum;

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
