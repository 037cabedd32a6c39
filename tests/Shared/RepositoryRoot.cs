namespace OpenVerify.Tests.Shared;

/// <summary>
/// The checkout the tests run from, for the tests that read the source tree (citations, the error
/// catalogue, migrations, public-API baselines): the directory holding OpenVerify.slnx, found by
/// walking up from the test binaries.
/// </summary>
internal static class RepositoryRoot
{
    /// <summary>The repository root, or null when the binaries do not sit inside a checkout.</summary>
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenVerify.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>The repository root; throws when the binaries do not sit inside a checkout.</summary>
    public static string Require() =>
        Find() ?? throw new InvalidOperationException("OpenVerify.slnx not found above " + AppContext.BaseDirectory);
}
