using PublicApiGenerator;

namespace OpenVerify.Tests.Shared;

/// <summary>
/// The public API of a shipped library (OpenVerify.Client, OpenVerify.Protocol), compared with the
/// baseline committed beside its source (<c>src/NAME/PublicApi.approved.txt</c>): a change to what apps
/// compile against has to show up in review as a change to that file. Set
/// <c>OPENVERIFY_ACCEPT_PUBLIC_API=1</c> to write the current API as the new baseline.
/// </summary>
internal static class PublicApiBaseline
{
    public static void Check(System.Reflection.Assembly assembly)
    {
        var name = assembly.GetName().Name!;
        var file = Path.Combine(RepositoryRoot.Require(), "src", name, "PublicApi.approved.txt");
        var current = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("OPENVERIFY_ACCEPT_PUBLIC_API") == "1")
        {
            File.WriteAllText(file, current);
        }

        Assert.True(File.Exists(file), $"no public-API baseline at {file}; run the test with OPENVERIFY_ACCEPT_PUBLIC_API=1 to write it");
        var approved = File.ReadAllText(file).ReplaceLineEndings("\n");
        // Equal on the whole text prints the first differing line when the API changed.
        Assert.Equal(approved, current);
    }
}
