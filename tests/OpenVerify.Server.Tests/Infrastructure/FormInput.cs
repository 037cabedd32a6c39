using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>Forms and refusals for the storage-free tests of the *Forms input records and *Rules.</summary>
internal static class FormInput
{
    /// <summary>A form as the url-encoded body of these pairs, in order (a repeated key is repeated).</summary>
    public static VerifyForm Of(params (string Key, string Value)[] pairs) =>
        VerifyForm.Parse(string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));

    /// <summary>The error <paramref name="read"/> raises, after checking its code and HTTP status.</summary>
    public static VerifyError Refuses(int code, int status, Action read)
    {
        var error = Assert.Throws<VerifyError>(read);
        Assert.Equal((code, status), (error.Code, error.Status));
        return error;
    }

    /// <summary><see cref="Refuses(int, int, Action)"/> for a reader that returns its input.</summary>
    public static VerifyError Refuses<T>(int code, int status, Func<T> read) => Refuses(code, status, () => { read(); });
}
