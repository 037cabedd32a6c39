using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Hosting;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Server.Tests.Hosting;

public sealed class TimeSpanRangeTests
{
    [Fact]
    public void Both_bounds_are_allowed_and_one_tick_beyond_either_is_refused_with_the_field_name()
    {
        var range = new TimeSpanRangeAttribute("00:01:00", "1.00:00:00");

        Assert.True(range.IsValid(TimeSpan.FromMinutes(1)));
        Assert.True(range.IsValid(TimeSpan.FromDays(1)));
        Assert.True(range.IsValid(null));
        Assert.False(range.IsValid(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1)));
        Assert.False(range.IsValid(TimeSpan.FromDays(1) + TimeSpan.FromTicks(1)));
        Assert.False(range.IsValid("00:05:00"));
        Assert.Equal("The field Cooldown must be between 00:01:00 and 1.00:00:00.", range.FormatErrorMessage("Cooldown"));
    }

    [Fact]
    public void Options_validated_on_many_threads_at_once_are_judged_the_same_on_each()
    {
        // The attributes of a type are shared; RangeAttribute's lazy conversion threw here (dotnet/runtime#1143).
        var results = new bool[64];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var options = new PushFatigueOptions { Cooldown = i % 2 == 0 ? TimeSpan.FromMinutes(15) : TimeSpan.FromDays(2) };
            results[i] = Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);
        });

        Assert.All(results.Select((valid, i) => (valid, i)), r => Assert.Equal(r.i % 2 == 0, r.valid));
    }

    [Fact]
    public void No_option_uses_RangeAttribute_for_a_TimeSpan()
    {
        var root = RepositoryRoot.Require();

        var offenders = new[] { "src", "samples" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(line => line.TrimStart().StartsWith("[Range(typeof(TimeSpan)", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();

        Assert.Empty(offenders);
    }
}
