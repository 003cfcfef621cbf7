using System.Text.Json.Serialization;

namespace Mailroom.Contracts;

/// <summary>
/// Source-generated serialization for every protocol body. Property names are written exactly as
/// declared (PascalCase or the snake_case given by attributes).
/// </summary>
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(MemberProfile))]
[JsonSerializable(typeof(MemberChangeList))]
[JsonSerializable(typeof(AddressCheckList))]
[JsonSerializable(typeof(ValueList))]
[JsonSerializable(typeof(NewCountResponse))]
[JsonSerializable(typeof(AuthKeyResponse))]
[JsonSerializable(typeof(NewMailEvent))]
[JsonSerializable(typeof(UnreadCountEvent))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
