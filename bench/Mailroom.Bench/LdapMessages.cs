using System.Text;

namespace Mailroom.Bench;

/// <summary>
/// The few LDAPv3 messages (RFC 4511) the slapd reference needs, BER-encoded: a simple bind, an
/// add, a modify that replaces attributes, and reading the result code of a response.
/// </summary>
internal static class LdapMessages
{
    private const byte Sequence = 0x30;
    private const byte Set = 0x31;
    private const byte Integer = 0x02;
    private const byte OctetString = 0x04;
    private const byte Enumerated = 0x0A;
    private const byte BindRequest = 0x60;
    private const byte ModifyRequest = 0x66;
    private const byte AddRequest = 0x68;
    private const byte SimpleAuthentication = 0x80;
    private const int Replace = 2;

    public static byte[] Bind(int messageId, string dn, string password) =>
        Message(messageId, Tlv(BindRequest, Tlv(Integer, 3), Text(dn), Tlv(SimpleAuthentication, Encoding.UTF8.GetBytes(password))));

    public static byte[] Add(int messageId, string dn, IEnumerable<(string Type, string[] Values)> attributes) =>
        Message(messageId, Tlv(AddRequest, Text(dn), Tlv(Sequence, [.. attributes.Select(Attribute)])));

    public static byte[] Modify(int messageId, string dn, IEnumerable<(string Type, string Value)> replacements) =>
        Message(messageId, Tlv(ModifyRequest, Text(dn), Tlv(Sequence, [.. replacements.Select(r => Tlv(Sequence, Tlv(Enumerated, Replace), Attribute((r.Type, [r.Value]))))])));

    /// <summary>The length of the whole message once its first bytes are in, or null until enough are.</summary>
    public static int? MessageLength(ReadOnlySpan<byte> start)
    {
        if (start.Length < 2)
        {
            return null;
        }

        if (start[0] != Sequence)
        {
            throw new InvalidDataException($"not an LDAP message: tag 0x{start[0]:x2}");
        }

        var (length, header) = ReadLength(start[1..]) ?? (-1, 0);
        return length < 0 ? null : 1 + header + length;
    }

    /// <summary>The resultCode of a response (bind, add, modify): 0 is success.</summary>
    public static int ResultCode(ReadOnlySpan<byte> message)
    {
        var body = Inside(message, Sequence);
        var id = Element(body);
        var operation = Element(body[id..]);
        var result = Inside(body[id..(id + operation)], body[id]);
        if (result.Length < 3 || result[0] != Enumerated || result[1] != 1)
        {
            throw new InvalidDataException("an LDAP response without a result code");
        }

        return result[2];
    }

    private static byte[] Message(int messageId, byte[] operation) => Tlv(Sequence, Tlv(Integer, messageId), operation);

    private static byte[] Attribute((string Type, string[] Values) attribute) =>
        Tlv(Sequence, Text(attribute.Type), Tlv(Set, [.. attribute.Values.Select(Text)]));

    private static byte[] Text(string value) => Tlv(OctetString, Encoding.UTF8.GetBytes(value));

    private static byte[] Tlv(byte tag, int value)
    {
        // Small non-negative integers only: message ids, the version, enumerations.
        var bytes = value < 0x80 ? [(byte)value] : value < 0x8000 ? new[] { (byte)(value >> 8), (byte)value } : [0, (byte)(value >> 16), (byte)(value >> 8), (byte)value];
        return Tlv(tag, bytes);
    }

    private static byte[] Tlv(byte tag, params byte[][] parts)
    {
        var length = parts.Sum(p => p.Length);
        var encoded = new List<byte>(length + 6) { tag };
        if (length < 0x80)
        {
            encoded.Add((byte)length);
        }
        else if (length < 0x100)
        {
            encoded.AddRange([0x81, (byte)length]);
        }
        else
        {
            encoded.AddRange([0x82, (byte)(length >> 8), (byte)length]);
        }

        foreach (var part in parts)
        {
            encoded.AddRange(part);
        }

        return [.. encoded];
    }

    // The content of the element at the start of data, which must carry the tag.
    private static ReadOnlySpan<byte> Inside(ReadOnlySpan<byte> data, byte tag)
    {
        if (data.Length < 2 || data[0] != tag)
        {
            throw new InvalidDataException($"expected tag 0x{tag:x2} in an LDAP response");
        }

        var (length, header) = ReadLength(data[1..]) ?? throw new InvalidDataException("a truncated LDAP response");
        return data.Slice(1 + header, length);
    }

    // The whole size (tag, length, content) of the element at the start of data.
    private static int Element(ReadOnlySpan<byte> data)
    {
        var (length, header) = ReadLength(data[1..]) ?? throw new InvalidDataException("a truncated LDAP response");
        return 1 + header + length;
    }

    private static (int Length, int Header)? ReadLength(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        if (data[0] < 0x80)
        {
            return (data[0], 1);
        }

        var count = data[0] & 0x7F;
        if (count is 0 or > 3)
        {
            throw new InvalidDataException("an LDAP length the reference does not read");
        }

        if (data.Length < 1 + count)
        {
            return null;
        }

        var length = 0;
        for (var i = 1; i <= count; i++)
        {
            length = (length << 8) | data[i];
        }

        return (length, 1 + count);
    }
}
