using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Mailroom.Server.Storage;

/// <summary>CRC-32C (Castagnoli), with the processor's instruction where it has one.</summary>
internal static class Crc32C
{
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            state = BitOperations.Crc32C(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
