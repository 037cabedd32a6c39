using Microsoft.Extensions.Options;
using Npgsql;

namespace OpenVerify.Server.Hosting;

/// <summary>
/// Checks at start that the chosen storage can be opened: PostgreSQL needs a connection string
/// (<c>--connection</c> or <c>OpenVerify__Connection</c>) that Npgsql can parse.
/// </summary>
internal sealed class StorageOptionsValidation : IValidateOptions<OpenVerifyOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenVerifyOptions options)
    {
        if (options.Storage != "postgres")
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            return ValidateOptionsResult.Fail(
                "OpenVerify:Storage is 'postgres' but no connection string was given: pass --connection \"Host=…;Database=…;Username=…;Password=…\" or set OpenVerify__Connection.");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.Connection);
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail("OpenVerify:Connection is not a valid PostgreSQL connection string: " + e.Message);
        }

        return ValidateOptionsResult.Success;
    }
}
