using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// A delivery as the message spool journals it: everything the database rows of an accepted
/// message hold (the parsed headers, and for each copy its MailId, member and the address that
/// brought it), so that the rows can be written again from the spool alone after a power loss.
/// </summary>
/// <remarks>
/// On disk a record is a 24-byte header, this metadata, then the raw message:
/// <code>
///  0  4  magic "MRJ1"
///  4  1  state: 0 accepted, 1 refused (the database write failed; the sender was told to retry)
///  5  3  zero
///  8  4  metadata length (little-endian)
/// 12  8  raw message length (little-endian)
/// 20  4  CRC-32C of bytes 8–19, the metadata and the raw message
/// </code>
/// The state byte is outside the checksum: refusing a record changes that one byte in place.
/// </remarks>
internal sealed record SpoolRecord(
    DateTimeOffset ReceivedAt,
    string EnvelopeFrom,
    string Sender,
    string Recipients,
    string Subject,
    string Summary,
    IReadOnlyList<SpoolCopy> Copies)
{
    public const int HeaderSize = 24;
    public const int StateOffset = 4;
    public const byte Accepted = 0;
    public const byte Refused = 1;

    /// <summary>Metadata is small (a few headers and a list of recipients); anything larger is not a record.</summary>
    public const int MaxMetadataBytes = 16 * 1024 * 1024;

    private const byte Version = 1;
    private static readonly byte[] Magic = "MRJ1"u8.ToArray();

    /// <summary>The header and the metadata, ready to be written in front of <paramref name="raw"/>.</summary>
    public byte[] Encode(ReadOnlySequence<byte> raw)
    {
        using var metadata = new MemoryStream();
        using (var writer = new BinaryWriter(metadata, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(ReceivedAt.ToUnixTimeMilliseconds());
            writer.Write(EnvelopeFrom);
            writer.Write(Sender);
            writer.Write(Recipients);
            writer.Write(Subject);
            writer.Write(Summary);
            writer.Write(Copies.Count);
            foreach (var copy in Copies)
            {
                writer.Write(copy.MailId);
                writer.Write(copy.MemberId);
                writer.Write(copy.EnterpriseId);
                writer.Write(copy.Member);
                writer.Write(copy.DeliveredTo);
            }
        }

        var bytes = new byte[HeaderSize + metadata.Length];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), (int)metadata.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), raw.Length);
        metadata.GetBuffer().AsSpan(0, (int)metadata.Length).CopyTo(bytes.AsSpan(HeaderSize));
        var crc = Crc32C.Append(0, bytes.AsSpan(8, 12));
        crc = Crc32C.Append(crc, bytes.AsSpan(HeaderSize));
        foreach (var segment in raw)
        {
            crc = Crc32C.Append(crc, segment.Span);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), crc);
        return bytes;
    }

    /// <summary>Reads a header: the lengths and the checksum, or null when these bytes are not one.</summary>
    public static SpoolRecordHeader? ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..4].SequenceEqual(Magic) || header[StateOffset] > Refused)
        {
            return null;
        }

        var metadataLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var rawLength = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        if (metadataLength is <= 0 or > MaxMetadataBytes || rawLength < 0)
        {
            return null;
        }

        return new SpoolRecordHeader(
            header[StateOffset] == Refused,
            metadataLength,
            rawLength,
            BinaryPrimitives.ReadUInt32LittleEndian(header[20..]),
            Crc32C.Append(0, header.Slice(8, 12)));
    }

    /// <summary>Decodes metadata whose checksum has been verified.</summary>
    /// <exception cref="InvalidDataException">A version this build does not know.</exception>
    public static SpoolRecord Decode(ReadOnlySpan<byte> metadata)
    {
        using var stream = new MemoryStream(metadata.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"A spool record of version {version}, which this build cannot read.");
        }

        var receivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        var envelopeFrom = reader.ReadString();
        var sender = reader.ReadString();
        var recipients = reader.ReadString();
        var subject = reader.ReadString();
        var summary = reader.ReadString();
        var count = reader.ReadInt32();
        var copies = new List<SpoolCopy>(Math.Clamp(count, 0, 1024));
        for (var i = 0; i < count; i++)
        {
            copies.Add(new SpoolCopy(reader.ReadString(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadString(), reader.ReadString()));
        }

        return new SpoolRecord(receivedAt, envelopeFrom, sender, recipients, subject, summary, copies);
    }
}

/// <summary>One member's copy in a <see cref="SpoolRecord"/>.</summary>
internal sealed record SpoolCopy(string MailId, long MemberId, long EnterpriseId, string Member, string DeliveredTo);

/// <summary>A record's header as read back; <see cref="PartialCrc"/> is the checksum of its own covered bytes.</summary>
internal readonly record struct SpoolRecordHeader(bool Refused, int MetadataLength, long RawLength, uint Crc, uint PartialCrc)
{
    public long Length => SpoolRecord.HeaderSize + MetadataLength + RawLength;
}
