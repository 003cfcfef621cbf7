using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Mailroom.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Auth;

/// <summary>
/// Issues and checks access tokens (PROTOCOL.md §4). A token is self-contained and signed:
/// client, token generation, expiry and a random nonce, with an HMAC-SHA256 tag under a server key
/// kept (encrypted) in the database, so every node and every restart accepts it and checking one
/// reads no database. Regenerating the key or switching the API off moves the client to a new
/// generation, which voids every earlier token at once.
/// </summary>
internal sealed class TokenService(IDatabase database, IDataProtectionProvider protection, ClientRegistry registry, TimeProvider time, IOptions<AuthOptions> options)
{
    private const string SigningKeyName = "token-signing-key";
    private const byte Format = 1;
    private const int PayloadLength = 1 + 8 + 8 + 8 + 8;
    private const int TagLength = 16;

    // Tokens whose signature was already checked, by their text: a client holding listens sends
    // the same token thousands of times, and a lookup costs a fraction of the HMAC. Only the
    // signature is remembered; generation, expiry and the API switch are judged on every use.
    private const int MaxVerified = 16_384;

    [ThreadStatic]
    private static Signer? _signer;

    private readonly ConcurrentDictionary<string, SignedToken> _verified = new(StringComparer.Ordinal);
    private byte[]? _signingKey;

    public long LifetimeSeconds => options.Value.TokenLifetimeSeconds;

    /// <summary>Loads (or on first start creates) the signing key.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var protector = protection.CreateProtector("Mailroom.TokenSigningKey");
        var candidate = protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var stored = await database.WriteAsync(
            async session => Protocol.Result<string>.Ok(await SecretStore.GetOrAddAsync(session, SigningKeyName, candidate)),
            operation: null,
            cancellationToken);
        _signingKey = Convert.FromBase64String(protector.Unprotect(stored.Value!));
        _verified.Clear();
    }

    public string Issue(ClientState client)
    {
        Span<byte> token = stackalloc byte[PayloadLength + TagLength];
        token[0] = Format;
        BinaryPrimitives.WriteInt64LittleEndian(token[1..], client.Key);
        BinaryPrimitives.WriteInt64LittleEndian(token[9..], client.TokenGeneration);
        BinaryPrimitives.WriteInt64LittleEndian(token[17..], time.GetUtcNow().ToUnixTimeSeconds() + LifetimeSeconds);
        RandomNumberGenerator.Fill(token.Slice(25, 8));
        Sign(token[..PayloadLength], token[PayloadLength..]);
        return WebEncoders.Base64UrlEncode(token);
    }

    /// <summary>The token's client when it is genuine, unexpired and of the client's current generation.</summary>
    public TokenCheck Check(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length is < 10 or > 80)
        {
            return TokenCheck.Invalid;
        }

        if (!_verified.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(candidate, out var signed))
        {
            if (Verify(candidate) is not { } genuine)
            {
                return TokenCheck.Invalid;
            }

            signed = genuine;
            if (_verified.Count >= MaxVerified)
            {
                // Tokens live two hours and clients reuse them; forgetting all now and then is cheaper than tracking age.
                _verified.Clear();
            }

            _verified.TryAdd(candidate.ToString(), signed);
        }

        return Judge(signed);
    }

    // The payload of a token whose signature is genuine, else null.
    private SignedToken? Verify(ReadOnlySpan<char> candidate)
    {
        Span<byte> token = stackalloc byte[PayloadLength + TagLength + 3];
        if (!TryDecode(candidate, token, out var length) || length != PayloadLength + TagLength || token[0] != Format)
        {
            return null;
        }

        Span<byte> tag = stackalloc byte[TagLength];
        Sign(token[..PayloadLength], tag);
        return CryptographicOperations.FixedTimeEquals(tag, token.Slice(PayloadLength, TagLength))
            ? new SignedToken(BinaryPrimitives.ReadInt64LittleEndian(token[1..]), BinaryPrimitives.ReadInt64LittleEndian(token[9..]), BinaryPrimitives.ReadInt64LittleEndian(token[17..]))
            : null;
    }

    private TokenCheck Judge(SignedToken token)
    {
        var client = registry.ByKey(token.ClientKey);
        if (client is null)
        {
            return TokenCheck.Invalid;
        }

        if (!client.ApiEnabled)
        {
            return new TokenCheck(client, TokenVerdict.ApiDisabled);
        }

        return token.Generation == client.TokenGeneration && token.Expires > time.GetUtcNow().ToUnixTimeSeconds()
            ? new TokenCheck(client, TokenVerdict.Valid)
            : TokenCheck.Invalid;
    }

    private static bool TryDecode(ReadOnlySpan<char> text, Span<byte> into, out int length)
    {
        length = 0;
        Span<char> padded = stackalloc char[84];
        var n = text.Length;
        for (var i = 0; i < n; i++)
        {
            padded[i] = text[i] switch { '-' => '+', '_' => '/', var c => c };
        }

        while (n % 4 != 0)
        {
            padded[n++] = '=';
        }

        return Convert.TryFromBase64Chars(padded[..n], into, out length);
    }

    private void Sign(ReadOnlySpan<byte> payload, Span<byte> tag)
    {
        var key = _signingKey ?? throw new InvalidOperationException("The token service has not been initialized.");
        var signer = _signer;
        if (signer is null || !ReferenceEquals(signer.Key, key))
        {
            signer?.Hmac.Dispose();
            signer = _signer = new Signer(key);
        }

        Span<byte> full = stackalloc byte[32];
        signer.Hmac.AppendData(payload);
        signer.Hmac.GetHashAndReset(full);
        full[..TagLength].CopyTo(tag);
    }

    // One HMAC per thread, reset after each use: the one-shot HMACSHA256.HashData sets up a new
    // OpenSSL context every time, more than half the cost of checking a token.
    private sealed class Signer(byte[] key)
    {
        public byte[] Key { get; } = key;

        public IncrementalHash Hmac { get; } = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }
}

/// <summary>What a token with a genuine signature says: whose it is, its generation, when it expires (Unix seconds).</summary>
internal readonly record struct SignedToken(long ClientKey, long Generation, long Expires);

internal enum TokenVerdict
{
    Invalid,
    ApiDisabled,
    Valid,
}

/// <summary>The outcome of checking a token.</summary>
internal readonly record struct TokenCheck(ClientState? Client, TokenVerdict Verdict)
{
    public static TokenCheck Invalid => new(null, TokenVerdict.Invalid);
}
