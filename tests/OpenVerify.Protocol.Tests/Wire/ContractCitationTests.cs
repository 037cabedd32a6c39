using System.Text.RegularExpressions;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Protocol.Tests.Wire;

/// <summary>
/// The code cites the wire contract by file and section (<c>docs/protocol/device.md §3.2</c>,
/// <c>docs/protocol/rest-api.md (b) 45</c>). These tests keep every such citation in the repository
/// pointing at a file that exists and a section that file has, so a newcomer can follow each one and
/// a renamed file or renumbered section fails here instead of leaving dead references behind.
/// </summary>
public sealed partial class ContractCitationTests
{
    [Fact]
    public void Every_section_citation_in_the_repository_names_an_existing_file_and_section()
    {
        var root = RepositoryRoot.Require();
        var problems = new List<string>();
        var citations = 0;
        foreach (var file in SourceFiles(root))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var citation in CitationChecker.Find(lines[i]))
                {
                    citations++;
                    var problem = CitationChecker.Check(citation, root, Path.GetDirectoryName(file)!);
                    if (problem is not null)
                    {
                        problems.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {problem}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, "Broken contract citations:\n" + string.Join("\n", problems));
        // Note: guards against a scan that silently finds nothing (a wrong root, a broken pattern).
        Assert.True(citations > 60, $"only {citations} citations found; the scan is not seeing the repository");
    }

    [Theory]
    [InlineData("see docs/protocol/device.md §99", "§99")]
    [InlineData("see docs/protocol/device.md §3.9", "§3.9")]
    [InlineData("see device-protocol.md §3.2", "does not exist")]
    [InlineData("see shared/spec/rest-api.md §2.5", "does not exist")]
    [InlineData("see docs/protocol/rest-api.md (b) 61", "(b) 61")]
    [InlineData("see docs/protocol/rest-api.md (b) 59–61", "(b) 61")]
    [InlineData("see docs/protocol/device.md §2–§12", "§12")]
    [InlineData("see docs/protocol/device.md §1.3, §3.7", "§3.7")]
    [InlineData("see docs/protocol/device.md Appendix B", "Appendix B")]
    public void A_citation_of_a_missing_file_or_section_is_reported(string text, string expected)
    {
        var root = RepositoryRoot.Require();
        var problems = CitationChecker.Find(text).Select(c => CitationChecker.Check(c, root, root)).OfType<string>().ToList();
        Assert.Single(problems);
        Assert.Contains(expected, problems[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("see docs/protocol/device.md §3.2")]
    [InlineData("(docs/protocol/device.md §4, step 2)")]
    [InlineData("docs/protocol/rest-api.md §2.3–2.4, (b) 35–38; docs/protocol/service-behaviour.md §4–5")]
    [InlineData("docs/protocol/rest-api.md (b) 45, 49")]
    [InlineData("(`docs/protocol/device.md` §1–§5, Appendix A)")]
    [InlineData("[device.md](docs/protocol/device.md) §9.4")]
    public void A_citation_of_an_existing_section_passes(string text)
    {
        var root = RepositoryRoot.Require();
        var citations = CitationChecker.Find(text).ToList();
        Assert.NotEmpty(citations);
        Assert.All(citations, c => Assert.Null(CitationChecker.Check(c, root, root)));
    }

    /// <summary>
    /// The C# files and every Markdown file of the repository, without build output, and without this
    /// file, whose broken citations above are there on purpose.
    /// </summary>
    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or ".git" or "node_modules"))
            .Where(f => Path.GetFileName(f) != nameof(ContractCitationTests) + ".cs");

    /// <summary>One cited location: a Markdown path and what in it is cited (<c>§3.2</c>, <c>(b) 45</c>, <c>Appendix A</c>).</summary>
    private sealed record Citation(string Path, IReadOnlyList<string> Targets);

    /// <summary>Finds citations in a line of text and checks them against the cited file's headings and anchors.</summary>
    private static partial class CitationChecker
    {
        public static IEnumerable<Citation> Find(string line)
        {
            foreach (Match path in MarkdownPath().Matches(line))
            {
                var targets = new List<string>();
                var at = path.Index + path.Length;
                var tail = Tail().Match(line, at);
                if (tail.Success)
                {
                    at = tail.Index + tail.Length;
                    string? list = null;
                    while (true)
                    {
                        if (Section().Match(line, at) is { Success: true } section)
                        {
                            list = null;
                            targets.Add("§" + section.Groups["from"].Value);
                            if (section.Groups["to"].Success)
                            {
                                targets.Add("§" + section.Groups["to"].Value);
                            }

                            at = section.Index + section.Length;
                        }
                        else if (ListItem().Match(line, at) is { Success: true } item)
                        {
                            list = item.Groups["list"].Value;
                            AddItems(targets, list, item);
                            at = item.Index + item.Length;
                        }
                        else if (list is not null && BareItem().Match(line, at) is { Success: true } more)
                        {
                            AddItems(targets, list, more);
                            at = more.Index + more.Length;
                        }
                        else if (Appendix().Match(line, at) is { Success: true } appendix)
                        {
                            list = null;
                            targets.Add("Appendix " + appendix.Groups["letter"].Value);
                            at = appendix.Index + appendix.Length;
                        }
                        else
                        {
                            break;
                        }

                        if (Separator().Match(line, at) is not { Success: true } separator)
                        {
                            break;
                        }

                        at = separator.Index + separator.Length;
                    }
                }

                if (targets.Count > 0)
                {
                    yield return new Citation(path.Value, targets);
                }
            }
        }

        /// <summary>Null when the citation resolves; otherwise what is wrong with it.</summary>
        public static string? Check(Citation citation, string root, string citingDirectory)
        {
            var file = new[] { Path.Combine(root, citation.Path), Path.Combine(citingDirectory, citation.Path) }.FirstOrDefault(File.Exists);
            if (file is null)
            {
                return $"{citation.Path} does not exist in the repository";
            }

            var text = File.ReadAllText(file);
            var labels = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match heading in Heading().Matches(text))
            {
                labels.Add(heading.Groups["label"].Value.TrimEnd('.'));
            }

            foreach (Match anchor in ItemAnchor().Matches(text))
            {
                labels.Add($"({anchor.Groups["list"].Value}) {anchor.Groups["item"].Value}");
            }

            var missing = citation.Targets.Where(t => !labels.Contains(t)).ToList();
            return missing.Count == 0 ? null : $"{citation.Path} has no {string.Join(", ", missing)}";
        }

        private static void AddItems(List<string> targets, string list, Match item)
        {
            targets.Add($"({list}) {item.Groups["from"].Value}");
            if (item.Groups["to"].Success)
            {
                targets.Add($"({list}) {item.Groups["to"].Value}");
            }
        }

        /// <summary>A path to a Markdown file, as written in a comment or a document.</summary>
        [GeneratedRegex(@"(?<![\w./-])[\w.][\w./-]*\.md(?![\w])")]
        private static partial Regex MarkdownPath();

        /// <summary>What may stand between the path and the section: a closing backtick, bracket or parenthesis, then space.</summary>
        [GeneratedRegex(@"\G[`\])]*[ \t]+")]
        private static partial Regex Tail();

        /// <summary><c>§3.2</c>, or a range <c>§2–§4</c>, <c>§2.3–2.4</c>.</summary>
        [GeneratedRegex(@"\G§(?<from>\d+(?:\.\d+)*)(?:[–-]§?(?<to>\d+(?:\.\d+)*))?")]
        private static partial Regex Section();

        /// <summary><c>(b) 45</c>, or a range <c>(b) 59–60</c>.</summary>
        [GeneratedRegex(@"\G\((?<list>[a-z])\)[ \t]+(?<from>\d+)(?:[–-](?<to>\d+))?")]
        private static partial Regex ListItem();

        /// <summary>A further item of the same list: the <c>49</c> of <c>(b) 45, 49</c>.</summary>
        [GeneratedRegex(@"\G(?<from>\d+)(?:[–-](?<to>\d+))?(?![\w.])")]
        private static partial Regex BareItem();

        /// <summary><c>Appendix A</c>.</summary>
        [GeneratedRegex(@"\GAppendix[ \t]+(?<letter>[A-Z])\b")]
        private static partial Regex Appendix();

        /// <summary>The comma (and space) between two cited sections of one file.</summary>
        [GeneratedRegex(@"\G,[ \t]*")]
        private static partial Regex Separator();

        /// <summary>A heading's leading label: <c>§3.2</c>, <c>Appendix A</c> or a list name such as <c>(b)</c>.</summary>
        [GeneratedRegex(@"^#{1,6}[ \t]+(?<label>§\d+(?:\.\d+)*|Appendix[ \t]+[A-Z]\b|\([a-z]\))", RegexOptions.Multiline)]
        private static partial Regex Heading();

        /// <summary>A checklist item's anchor, <c>&lt;a id="b-45"&gt;</c>.</summary>
        [GeneratedRegex(@"<a id=""(?<list>[a-z])-(?<item>\d+)"">")]
        private static partial Regex ItemAnchor();
    }
}
