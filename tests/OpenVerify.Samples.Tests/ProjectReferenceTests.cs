using System.Xml.Linq;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Samples.Tests;

/// <summary>
/// The product never builds on a sample: a ProjectReference from src/ into samples/ would let an edit
/// to the sample break the product, ship the sample inside the openverify tool, and put two apps in
/// one folder on <c>dotnet build -o</c>. The demo hosts src/OpenVerify.AppBackend instead; the
/// sample's executable is a thin Program.cs over that library.
/// </summary>
public sealed class ProjectReferenceTests
{
    [Fact]
    public void No_project_in_src_references_a_project_in_samples()
    {
        var root = RepositoryRoot.Require();
        var samples = Path.Combine(root, "samples") + Path.DirectorySeparatorChar;
        var projects = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.Contains(projects, p => Path.GetFileName(p) == "OpenVerify.Cli.csproj");

        var intoSamples = (
            from project in projects
            from reference in ProjectReferences(project)
            where reference.StartsWith(samples, StringComparison.Ordinal)
            select $"{Path.GetRelativePath(root, project)} → {Path.GetRelativePath(root, reference)}").ToList();

        Assert.True(intoSamples.Count == 0, "src/ references samples/: " + string.Join(", ", intoSamples));
    }

    [Fact]
    public void The_app_backend_library_references_no_other_project()
    {
        // An app backend reaches OpenVerify through Twilio's helper library only, as a customer's would;
        // a reference to the server or the client would let the sample lean on what a customer cannot.
        var root = RepositoryRoot.Require();
        var library = Path.Combine(root, "src", "OpenVerify.AppBackend", "OpenVerify.AppBackend.csproj");

        Assert.Empty(ProjectReferences(library).Select(r => Path.GetRelativePath(root, r)));
    }

    /// <summary>The full paths of the projects <paramref name="project"/> references.</summary>
    private static IEnumerable<string> ProjectReferences(string project)
    {
        var directory = Path.GetDirectoryName(project)!;
        return XDocument.Load(project).Descendants("ProjectReference")
            .Select(r => (string?)r.Attribute("Include"))
            .OfType<string>()
            .Select(include => Path.GetFullPath(Path.Combine(directory, include.Replace('\\', Path.DirectorySeparatorChar))));
    }
}
