namespace Mailroom.Server.Storage;

/// <summary>Members' authenticator (TOTP) enrolments for the second factor of user/openwxtoken.</summary>
internal static class TotpStore
{
    public static Task<TotpRow?> FindAsync(StoreSession session, long memberId) =>
        session.QuerySingleAsync(
            "SELECT secret_protected, last_step FROM member_totp WHERE member_id = @m",
            r => new TotpRow(r.GetString(0), r.GetInt64(1)),
            ("@m", memberId));

    /// <summary>Enrols a member whose code for <paramref name="step"/> was just accepted; false when already enrolled.</summary>
    public static async Task<bool> TryInsertAsync(StoreSession session, long memberId, string secretProtected, long step, DateTimeOffset now) =>
        await session.ExecuteAsync(
            """
            INSERT INTO member_totp (member_id, secret_protected, last_step, enrolled_at)
            VALUES (@m, @s, @step, @now) ON CONFLICT (member_id) DO NOTHING
            """,
            ("@m", memberId), ("@s", secretProtected), ("@step", step), ("@now", now.ToUnixTimeMilliseconds())) == 1;

    /// <summary>
    /// Records that the code of <paramref name="step"/> was used; false when that step or a later one
    /// already was, so that a code is good once even when presented twice at the same moment.
    /// </summary>
    public static async Task<bool> TryUseStepAsync(StoreSession session, long memberId, long step) =>
        await session.ExecuteAsync(
            "UPDATE member_totp SET last_step = @step WHERE member_id = @m AND last_step < @step",
            ("@step", step), ("@m", memberId)) == 1;

    public static Task DeleteAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("DELETE FROM member_totp WHERE member_id = @m", ("@m", memberId));
}

/// <summary>A member's enrolment: the secret as Data Protection protected it, and the last step used.</summary>
internal sealed record TotpRow(string SecretProtected, long LastStep);
