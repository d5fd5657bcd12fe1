using BackupPortal.Domain.Drills;

namespace BackupPortal.Tests.Unit;

/// <summary>How a drill's SQL check compares what its query returned with what it expects.</summary>
public sealed class SqlCheckTests
{
    [Theory]
    [InlineData(">", "0", "12", true)]
    [InlineData(">", "0", "0", false)]
    [InlineData(">=", "10", "10.0", true)]
    [InlineData("=", "187875.0", "187875", true)]
    [InlineData("!=", "3", "3", false)]
    [InlineData("<", "1e3", "999.5", true)]
    [InlineData("<=", "-1", "0", false)]
    public void Numbers_compare_as_numbers(string op, string expected, string actual, bool holds) =>
        Assert.Equal(holds, new SqlCheck("n", "select 1", op, expected).Holds(actual));

    [Theory]
    [InlineData("=", "ok", "ok", true)]
    [InlineData("=", "ok", "OK", false)]
    [InlineData("!=", "ok", "failed", true)]
    [InlineData(">", "a", "b", false)]
    [InlineData("=", "0", null, false)]
    public void Text_compares_only_for_equality_and_a_null_result_never_meets_a_number(string op, string expected, string? actual, bool holds) =>
        Assert.Equal(holds, new SqlCheck("t", "select 1", op, expected).Holds(actual));
}
