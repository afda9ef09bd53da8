using System.Buffers;
using System.IO.Hashing;

namespace IncrementalWatch.FileSystem;

/// <summary>
/// A 128-bit XXH3 content hash. Not cryptographic: it tells changed content from unchanged,
/// it does not defend against someone crafting collisions.
/// </summary>
public readonly record struct ContentHash(ulong High, ulong Low)
{
    private const int BufferSize = 128 * 1024;

    public static readonly ContentHash None = default;

    public bool IsNone => High == 0 && Low == 0;

    /// <summary>Hashes the file's bytes, sharing it with writers so a build never blocks an editor.</summary>
    public static ContentHash OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        var hasher = new XxHash128();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return FromBytes(hasher.GetCurrentHash());
    }

    public static ContentHash OfBytes(ReadOnlySpan<byte> bytes) => FromBytes(XxHash128.Hash(bytes));

    public static ContentHash OfText(string text) => OfBytes(System.Text.Encoding.UTF8.GetBytes(text));

    public static bool TryParse(ReadOnlySpan<char> hex, out ContentHash hash)
    {
        hash = None;
        if (hex.Length != 32
            || !ulong.TryParse(hex[..16], System.Globalization.NumberStyles.AllowHexSpecifier, null, out ulong high)
            || !ulong.TryParse(hex[16..], System.Globalization.NumberStyles.AllowHexSpecifier, null, out ulong low))
        {
            return false;
        }

        hash = new ContentHash(high, low);
        return true;
    }

    public override string ToString() => $"{High:x16}{Low:x16}";

    private static ContentHash FromBytes(ReadOnlySpan<byte> bytes) =>
        new(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
}
