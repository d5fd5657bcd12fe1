using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>One entry of a custom-format archive's table of contents, as <c>pg_restore</c> reads it.</summary>
public sealed record ArchiveEntry(int DumpId, string Desc, ArchiveSection Section, IReadOnlyList<int> Dependencies);

/// <summary>An entry's data in the archive: where its block starts and how many bytes it spans.</summary>
public sealed record DataBlock(int DumpId, long Start, long Length);

/// <summary>The sections of <c>pg_dump</c>'s TOC (<c>teSection</c>); <c>None</c> entries belong to the section before them.</summary>
public enum ArchiveSection { None = 1, PreData, Data, PostData }

/// <summary>
/// Where everything sits in a <c>pg_dump -Fc</c> archive written to a pipe: the header and table of contents up to
/// <see cref="TocEnd"/>, then each entry's data block. With it a restore can hand several <c>pg_restore</c> processes
/// the table of contents followed by only their own blocks, so tables load in parallel from one stream that is not
/// seekable. Archive versions 1.12 to 1.16 (pg_dump 9.6 to 17) are understood; anything else is refused, and the
/// restore then runs as one process.
/// </summary>
public sealed class ArchiveLayout
{
    private const int BlockData = 1;
    private const int BlockLargeObjects = 3;
    private static readonly int Min = Version(1, 12), Max = Version(1, 16);

    private ArchiveLayout(long tocEnd, List<ArchiveEntry> entries, List<DataBlock> blocks, long length) =>
        (TocEnd, Entries, Blocks, Length) = (tocEnd, entries, blocks, length);

    public long TocEnd { get; }
    public IReadOnlyList<ArchiveEntry> Entries { get; }
    public IReadOnlyList<DataBlock> Blocks { get; }
    public long Length { get; }

    /// <summary>Reads the whole archive once; throws <see cref="InvalidDataException"/> when it is not one this class understands.</summary>
    public static ArchiveLayout Read(Stream archive)
    {
        var reader = new Reader(archive);
        if (Encoding.ASCII.GetString(reader.Bytes(5)) != "PGDMP") throw new InvalidDataException("Not a pg_dump archive.");
        var version = Version(reader.Byte(), reader.Byte(), reader.Byte());
        if (version < Min || version > Max) throw new InvalidDataException($"Archive version {version >> 16}.{(version >> 8) & 0xff} is not supported.");
        reader.IntSize = reader.Byte();
        reader.OffsetSize = reader.Byte();
        if (reader.IntSize is < 1 or > 8 || reader.OffsetSize is < 1 or > 8 || reader.Byte() != 1)
            throw new InvalidDataException("Not a custom-format archive.");
        if (version >= Version(1, 15)) reader.Byte();
        else reader.Int();
        for (var i = 0; i < 7; i++) reader.Int();
        for (var i = 0; i < 3; i++) reader.Str();

        var count = reader.Int();
        var entries = new List<ArchiveEntry>((int)Math.Min(count, 100_000));
        for (var i = 0; i < count; i++)
        {
            var dumpId = (int)reader.Int();
            reader.Int();
            reader.Str();
            reader.Str();
            reader.Str();
            var desc = reader.Str() ?? "";
            var section = (ArchiveSection)reader.Int();
            for (var s = 0; s < 5; s++) reader.Str();
            if (version >= Version(1, 14)) reader.Str();
            if (version >= Version(1, 16)) reader.Int();
            reader.Str();
            reader.Str();
            var dependencies = new List<int>();
            while (reader.Str() is { } dependency) dependencies.Add(int.Parse(dependency, System.Globalization.CultureInfo.InvariantCulture));
            reader.Bytes(1 + reader.OffsetSize);
            if (!Enum.IsDefined(section)) throw new InvalidDataException($"TOC entry {dumpId} has an unknown section.");
            entries.Add(new ArchiveEntry(dumpId, desc, section, dependencies));
        }

        var tocEnd = reader.Position;
        var blocks = new List<DataBlock>();
        while (reader.TryByte() is { } type)
        {
            var start = reader.Position - 1;
            var dumpId = (int)reader.Int();
            if (type == BlockLargeObjects)
                while (reader.Int() != 0) reader.SkipChunks();
            else if (type == BlockData) reader.SkipChunks();
            else throw new InvalidDataException($"Unknown block type {type} at byte {start}.");
            blocks.Add(new DataBlock(dumpId, start, reader.Position - start));
        }
        return new ArchiveLayout(tocEnd, entries, blocks, reader.Position);
    }

    private static int Version(int major, int minor, int revision = 0) => (major << 16) | (minor << 8) | revision;

    /// <summary>pg_dump's encoding: a sign byte and a little-endian magnitude of IntSize bytes; strings are a length and bytes.</summary>
    private sealed class Reader(Stream input)
    {
        private readonly byte[] _scratch = new byte[64];

        public int IntSize { get; set; } = 4;
        public int OffsetSize { get; set; } = 8;
        public long Position { get; private set; }

        public int Byte() => TryByte() ?? throw new InvalidDataException("The archive ends inside its table of contents.");

        public int? TryByte()
        {
            var read = input.Read(_scratch, 0, 1);
            Position += read;
            return read == 0 ? null : _scratch[0];
        }

        public byte[] Bytes(int count)
        {
            var bytes = new byte[count];
            Fill(bytes);
            return bytes;
        }

        public long Int()
        {
            var negative = Byte() != 0;
            Fill(_scratch.AsSpan(0, IntSize));
            Span<byte> value = stackalloc byte[8];
            _scratch.AsSpan(0, IntSize).CopyTo(value);
            var magnitude = BinaryPrimitives.ReadInt64LittleEndian(value);
            return negative ? -magnitude : magnitude;
        }

        public string? Str()
        {
            var length = Int();
            if (length < 0) return null;
            if (length > 1 << 30) throw new InvalidDataException("A TOC string is impossibly long.");
            return Encoding.UTF8.GetString(Bytes((int)length));
        }

        /// <summary>A data block's body: length-prefixed chunks up to a zero length.</summary>
        public void SkipChunks()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                for (var length = Int(); length != 0; length = Int())
                {
                    if (length < 0) throw new InvalidDataException($"A data chunk has a negative length at byte {Position}.");
                    while (length > 0)
                    {
                        var take = (int)Math.Min(length, buffer.Length);
                        Fill(buffer.AsSpan(0, take));
                        length -= take;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void Fill(Span<byte> target)
        {
            if (input.ReadAtLeast(target, target.Length, throwOnEndOfStream: false) < target.Length)
                throw new InvalidDataException($"The archive ends early, at byte {Position}.");
            Position += target.Length;
        }
    }
}
