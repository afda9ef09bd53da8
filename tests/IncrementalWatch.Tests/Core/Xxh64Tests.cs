using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Tests.Core;

/// <summary>The package's own XXH64 gives System.IO.Hashing's values, whole and streamed.</summary>
public sealed class Xxh64Tests
{
    [Fact]
    public void Every_length_around_the_stripe_and_lane_sizes_hashes_as_system_io_hashing_does()
    {
        var random = new Random(20261206);
        for (int length = 0; length <= 300; length++)
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(bytes), Xxh64.Hash(bytes));
        }

        byte[] large = new byte[1_000_003];
        random.NextBytes(large);
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(large), Xxh64.Hash(large));
    }

    [Fact]
    public void Appending_in_pieces_of_any_size_gives_the_hash_of_the_whole()
    {
        var random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            byte[] bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            var hasher = new Xxh64();
            int at = 0;
            while (at < bytes.Length)
            {
                int piece = Math.Min(bytes.Length - at, random.Next(0, 70));
                hasher.Append(bytes.AsSpan(at, piece));
                at += piece;
            }

            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(bytes), hasher.Digest());
        }
    }
}
