using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackupPortal.Infrastructure.Catalog;

/// <summary>Stores enums as the seed spells them: <c>schema_only</c>, <c>point_in_time</c>.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()),
    v => Parse(v))
    where TEnum : struct, Enum
{
    private static TEnum Parse(string value) => Enum.Parse<TEnum>(value.Replace("_", ""), ignoreCase: true);
}
