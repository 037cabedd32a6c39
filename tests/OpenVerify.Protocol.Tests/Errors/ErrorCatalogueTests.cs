using System.Text.RegularExpressions;
using OpenVerify.Protocol.Errors;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Protocol.Tests.Errors;

public sealed partial class ErrorCatalogueTests
{
    private const string CataloguePath = "src/OpenVerify.Protocol/Errors/ErrorCatalogue.cs";

    // Codes answered from the HTTP pipeline rather than a handler: pinned here because the pipeline's
    // own tests only reach them through Kestrel and routing.
    [Fact]
    public void The_transport_level_errors_have_their_twilio_codes()
    {
        AssertError(ErrorCatalogue.MalformedBody("x"), 20001, 400);
        AssertError(ErrorCatalogue.BodyTooLarge(), 20413, 413);
        AssertError(ErrorCatalogue.BodyTooLarge(65536), 20413, 413);
        AssertError(ErrorCatalogue.MethodNotAllowed(), 20004, 405);
        AssertError(ErrorCatalogue.InternalError(), 20500, 500);
        AssertError(ErrorCatalogue.RequestFailed(415), 20415, 415);
        AssertError(ErrorCatalogue.EntityAlreadyExists(), 60360, 409);
        Assert.Equal("https://www.twilio.com/docs/errors/20004", ErrorCatalogue.MethodNotAllowed().MoreInfo);
    }

    [Fact]
    public void The_internal_error_says_nothing_about_the_failure()
    {
        Assert.Equal("Internal server error", ErrorCatalogue.InternalError().Message);
    }

    /// <summary>
    /// One place for codes, statuses and messages: an error minted elsewhere drifts from the catalogue
    /// (issue 18). Scans the source tree, so it fails on the commit that adds one.
    /// </summary>
    [Fact]
    public void No_source_file_outside_the_catalogue_constructs_a_VerifyError()
    {
        var root = RepositoryRoot.Find();
        Assert.True(root is not null, "The repository root (OpenVerify.slnx) was not found above the test binaries.");
        var sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => !f.Relative.Contains("/bin/", StringComparison.Ordinal) && !f.Relative.Contains("/obj/", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(sources, f => f.Relative == CataloguePath);

        var offenders = new List<string>();
        foreach (var (full, relative) in sources)
        {
            var lines = File.ReadAllLines(full);
            for (var i = 0; i < lines.Length; i++)
            {
                if (Constructs(lines[i]) && relative != CataloguePath)
                {
                    offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Raise errors through ErrorCatalogue, not here:\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("throw new VerifyError(60360, 409, \"x\");", true)]
    [InlineData("var e = new  VerifyError (1, 2, \"x\");", true)]
    [InlineData("VerifyError e = new(1, 2, \"x\");", true)]
    [InlineData("public static VerifyError Foo() => new(1, 2, \"x\");", true)]
    [InlineData("new Protocol.Errors.VerifyError(1, 2, \"x\")", true)]
    [InlineData("catch (VerifyError error) when (!context.Response.HasStarted)", false)]
    [InlineData("throw ErrorCatalogue.EntityAlreadyExists();", false)]
    [InlineData("public static VerifyError Refusal(ChallengeAdmission admission) => admission.Outcome switch", false)]
    public void The_scan_recognises_a_construction(string line, bool expected) => Assert.Equal(expected, Constructs(line));

    private static bool Constructs(string line) => Explicit().IsMatch(line) || TargetTyped().IsMatch(line);

    private static void AssertError(VerifyError error, int code, int status)
    {
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.Status);
    }

    [GeneratedRegex(@"\bnew\s+([\w.]+\.)?VerifyError\s*\(")]
    private static partial Regex Explicit();

    // `VerifyError e = new(...)` and `VerifyError Name(...) => new(...)`.
    [GeneratedRegex(@"\bVerifyError\b[^;{]*?(=|=>)\s*new\s*\(")]
    private static partial Regex TargetTyped();
}
