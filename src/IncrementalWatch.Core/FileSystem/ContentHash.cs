using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace IncrementalWatch.FileSystem;

/// <summary>
/// A 128-bit content hash. Not cryptographic: it tells changed content from unchanged, it does
/// not defend against someone crafting collisions.
/// <para>
/// Content under <see cref="SmallLimit"/> bytes (every snapshot file, fingerprint and almost
/// every source file) is XXH64 of the bytes beside their length (<see cref="Xxh64"/>); larger
/// content is XXH3-128 (System.IO.Hashing).
/// Which one applies depends only on the content, so equal content always hashes equal. The
/// split is for the first call in a fresh MSBuild node: ReadyToRun precompiles XXH64, while
/// XXH3's vectorized loop is JIT-compiled on first use (about 4.5 ms per node, paid by every
/// no-op build before), and that loop only pays for itself from about 4 MB on.
/// </para>
/// </summary>
public readonly record struct ContentHash(ulong High, ulong Low)
{
    /// <summary>Content shorter than this is XXH64 and its length; from this size on, XXH3-128.</summary>
    public const int SmallLimit = 1024 * 1024;

    private const int ReadSize = 128 * 1024;

    public static readonly ContentHash None = default;

    public bool IsNone => High == 0 && Low == 0;

    /// <summary>Hashes the file's bytes, sharing it with writers so a build never blocks an editor.</summary>
    public static ContentHash OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);

        // The first SmallLimit bytes are read whole, so the choice is made on what was read,
        // never on a length that may change while the file is read.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SmallLimit);
        try
        {
            int filled = 0;
            int read;
            while (filled < SmallLimit && (read = stream.Read(buffer, filled, Math.Min(ReadSize, SmallLimit - filled))) > 0)
            {
                filled += read;
            }

            if (filled < SmallLimit)
            {
                return Small(buffer.AsSpan(0, filled));
            }

            return Large(stream, buffer, filled);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static ContentHash OfBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length < SmallLimit ? Small(bytes) : Large(bytes);

    public static ContentHash OfText(string text) => OfBytes(System.Text.Encoding.UTF8.GetBytes(text));

    public static bool TryParse(ReadOnlySpan<char> hex, out ContentHash hash)
    {
        hash = None;
        if (hex.Length != 32 || !TryParseHex(hex[..16], out ulong high) || !TryParseHex(hex[16..], out ulong low))
        {
            return false;
        }

        hash = new ContentHash(high, low);
        return true;
    }

    // Sixteen hex digits by hand: every no-op step parses a few hashes, and ulong.TryParse's
    // hex path cost the first check in a fresh MSBuild node more than the rest of the parsing.
    private static bool TryParseHex(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (char c in digits)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    public override string ToString() => $"{High:x16}{Low:x16}";

    private static ContentHash Small(ReadOnlySpan<byte> bytes) => new(Xxh64.Hash(bytes), (ulong)bytes.Length);

    // XXH3-128 is kept out of the methods every build calls, so System.IO.Hashing is loaded
    // only when content of SmallLimit bytes or more is hashed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ContentHash Large(Stream stream, byte[] buffer, int filled)
    {
        var hasher = new XxHash128();
        hasher.Append(buffer.AsSpan(0, filled));
        int read;
        while ((read = stream.Read(buffer, 0, ReadSize)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, read));
        }

        return FromBytes(hasher.GetCurrentHash());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ContentHash Large(ReadOnlySpan<byte> bytes) => FromBytes(XxHash128.Hash(bytes));

    private static ContentHash FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
}
