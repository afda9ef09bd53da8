using System.Buffers.Binary;
using System.Numerics;

namespace IncrementalWatch.FileSystem;

/// <summary>
/// XXH64 with seed 0, one-shot and streaming: the same values as System.IO.Hashing's XxHash64
/// (the unit tests compare the two).
/// </summary>
/// <remarks>
/// Every no-op build hashes a snapshot file and a stat digest with XXH64 in every MSBuild node.
/// Written here, that needs no assembly beyond the task's own: loading System.IO.Hashing cost
/// the first check in each fresh node about 2 ms (measured with perf). System.IO.Hashing stays
/// for XXH3-128, which only content of 1 MB and more uses.
/// </remarks>
internal sealed class Xxh64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;
    private const int StripeSize = 32;

    private readonly byte[] _pending = new byte[StripeSize];
    private int _pendingLength;
    private ulong _length;
    private ulong _v1 = unchecked(Prime1 + Prime2);
    private ulong _v2 = Prime2;
    private ulong _v3;
    private ulong _v4 = unchecked(0UL - Prime1);

    /// <summary>XXH64 of <paramref name="bytes"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hasher = new Xxh64();
        hasher.Append(bytes);
        return hasher.Digest();
    }

    /// <summary>Adds <paramref name="bytes"/> to the hashed stream.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _length += (ulong)bytes.Length;
        if (_pendingLength > 0)
        {
            int take = Math.Min(StripeSize - _pendingLength, bytes.Length);
            bytes[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            bytes = bytes[take..];
            if (_pendingLength < StripeSize)
            {
                return;
            }

            Stripe(_pending);
            _pendingLength = 0;
        }

        while (bytes.Length >= StripeSize)
        {
            Stripe(bytes);
            bytes = bytes[StripeSize..];
        }

        bytes.CopyTo(_pending);
        _pendingLength = bytes.Length;
    }

    /// <summary>The hash of everything appended so far (the stream can go on after it).</summary>
    public ulong Digest()
    {
        ulong hash = _length >= StripeSize
            ? MergeRound(MergeRound(MergeRound(MergeRound(
                BitOperations.RotateLeft(_v1, 1) + BitOperations.RotateLeft(_v2, 7) + BitOperations.RotateLeft(_v3, 12) + BitOperations.RotateLeft(_v4, 18),
                _v1), _v2), _v3), _v4)
            : Prime5;
        hash += _length;

        ReadOnlySpan<byte> rest = _pending.AsSpan(0, _pendingLength);
        while (rest.Length >= 8)
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            hash = (BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4;
            rest = rest[8..];
        }

        if (rest.Length >= 4)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(rest) * Prime1;
            hash = (BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3;
            rest = rest[4..];
        }

        foreach (byte b in rest)
        {
            hash ^= b * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }

    private void Stripe(ReadOnlySpan<byte> stripe)
    {
        _v1 = Round(_v1, BinaryPrimitives.ReadUInt64LittleEndian(stripe));
        _v2 = Round(_v2, BinaryPrimitives.ReadUInt64LittleEndian(stripe[8..]));
        _v3 = Round(_v3, BinaryPrimitives.ReadUInt64LittleEndian(stripe[16..]));
        _v4 = Round(_v4, BinaryPrimitives.ReadUInt64LittleEndian(stripe[24..]));
    }

    private static ulong Round(ulong accumulator, ulong lane) =>
        BitOperations.RotateLeft(accumulator + (lane * Prime2), 31) * Prime1;

    private static ulong MergeRound(ulong accumulator, ulong value) =>
        ((accumulator ^ Round(0, value)) * Prime1) + Prime4;
}
