using System.Text.Json;

namespace BackupPortal.Api;

/// <summary>Enum values as the API spells them: <c>schema_only</c>, <c>point_in_time</c>.</summary>
public static class Enums
{
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = Enum.GetValues<T>().FirstOrDefault(v => Name(v) == text);
        return text is not null && Name(value) == text;
    }

    public static T? ParseOrNull<T>(string? text) where T : struct, Enum => TryParse<T>(text, out var v) ? v : null;
}
