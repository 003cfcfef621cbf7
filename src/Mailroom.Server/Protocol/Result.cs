namespace Mailroom.Server.Protocol;

/// <summary>The outcome of a rule: a value, or the protocol error that refuses the call.</summary>
internal readonly struct Result<T>
{
    private Result(T? value, ProtocolError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ProtocolError? Error { get; }

    public bool IsError => Error is not null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(ProtocolError error) => new(default, error);

    public static implicit operator Result<T>(ProtocolError error) => Fail(error);

    public static implicit operator Result<T>(T value) => Ok(value);
}

/// <summary>A result with no value, for writes whose success is an empty body.</summary>
internal readonly record struct Done
{
    public static readonly Done Value;
}
