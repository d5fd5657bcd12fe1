using System.Globalization;

namespace BackupPortal.Domain.Pitr;

/// <summary>Write-ahead log positions (<c>X/Y</c>) and the segment files that hold them.</summary>
public static class Lsn
{
    public static ulong Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2)
            throw new FormatException($"'{text}' is not a WAL position (expected X/Y in hexadecimal).");
        return (ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32)
             | ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public static string Format(ulong lsn) => $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}";

    /// <summary>Segment number of the segment holding a position.</summary>
    public static ulong SegmentOf(ulong lsn, long segmentBytes) => lsn / (ulong)segmentBytes;

    public static string SegmentName(int timeline, ulong segment, long segmentBytes)
    {
        var perId = 0x1_0000_0000UL / (ulong)segmentBytes;
        return $"{timeline:X8}{segment / perId:X8}{segment % perId:X8}";
    }

    /// <summary>Timeline and segment number from a 24-hex-digit segment file name; false for anything else (.history, .partial).</summary>
    public static bool TryParseSegmentName(string name, long segmentBytes, out int timeline, out ulong segment)
    {
        (timeline, segment) = (0, 0);
        if (name.Length != 24 || !name.All(Uri.IsHexDigit)) return false;
        var perId = 0x1_0000_0000UL / (ulong)segmentBytes;
        timeline = int.Parse(name[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        segment = ulong.Parse(name[8..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) * perId
                + ulong.Parse(name[16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return true;
    }
}
