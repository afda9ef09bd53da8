using System.IO.Hashing;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Tests.Core;

public sealed class ContentHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(240)]
    [InlineData(ContentHash.SmallLimit - 1)]
    [InlineData(ContentHash.SmallLimit)]
    [InlineData(ContentHash.SmallLimit + 1)]
    [InlineData(3 * ContentHash.SmallLimit + 12345)]
    public void A_file_and_the_same_bytes_in_memory_hash_equal_on_both_sides_of_the_size_split(int length)
    {
        using var dir = new Support.TempDirectory();
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        string path = Path.Combine(dir.Path, "f.bin");
        File.WriteAllBytes(path, bytes);

        var fromFile = ContentHash.OfFile(path);

        Assert.Equal(ContentHash.OfBytes(bytes), fromFile);
        Assert.False(fromFile.IsNone);
        var expected = length < ContentHash.SmallLimit
            ? new ContentHash(XxHash64.HashToUInt64(bytes), (ulong)length)
            : new ContentHash((ulong)(XxHash128.HashToUInt128(bytes) >> 64), (ulong)XxHash128.HashToUInt128(bytes));
        Assert.Equal(expected, fromFile);
    }

    [Fact]
    public void One_changed_byte_or_one_more_byte_changes_the_hash()
    {
        byte[] bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        var before = ContentHash.OfBytes(bytes);

        byte[] flipped = (byte[])bytes.Clone();
        flipped[2000] ^= 1;
        byte[] longer = [.. bytes, 0];

        Assert.NotEqual(before, ContentHash.OfBytes(flipped));
        Assert.NotEqual(before, ContentHash.OfBytes(longer));
        Assert.True(ContentHash.TryParse(before.ToString(), out var parsed));
        Assert.Equal(before, parsed);
    }

    [Fact]
    public void Hex_text_parses_back_in_either_case_and_anything_else_is_refused()
    {
        var hash = new ContentHash(0x0123456789abcdefUL, 0xfedcba9876543210UL);
        Assert.Equal("0123456789abcdeffedcba9876543210", hash.ToString());
        Assert.True(ContentHash.TryParse(hash.ToString(), out var lower));
        Assert.True(ContentHash.TryParse(hash.ToString().ToUpperInvariant(), out var upper));
        Assert.Equal(hash, lower);
        Assert.Equal(hash, upper);
        Assert.True(ContentHash.TryParse(new string('f', 32), out var most));
        Assert.Equal(new ContentHash(ulong.MaxValue, ulong.MaxValue), most);

        foreach (string bad in new[] { "", "0123", new string('0', 31), new string('0', 33), "0123456789abcdeffedcba987654321g", "+123456789abcdeffedcba9876543210", " 123456789abcdeffedcba9876543210" })
        {
            Assert.False(ContentHash.TryParse(bad, out _), bad);
        }
    }
}
