using System.Text.RegularExpressions;

namespace Mailroom.Server.Storage;

/// <summary>Tells the statements that may change the database from those that only read it.</summary>
internal static partial class SqlStatements
{
    /// <summary>
    /// True unless the statement only reads (SELECT, or WITH without INSERT, UPDATE, DELETE or
    /// REPLACE) or controls the transaction. In doubt, true: journaling a read costs only space.
    /// Asked once per statement and connection (<see cref="PooledConnection.Statement"/>).
    /// </summary>
    public static bool Changes(string sql) =>
        !Control().IsMatch(sql) && !Select().IsMatch(sql) && (!Cte().IsMatch(sql) || Writes().IsMatch(sql));

    [GeneratedRegex(@"^\s*SELECT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Select();

    [GeneratedRegex(@"^\s*WITH\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Cte();

    [GeneratedRegex(@"\b(INSERT|UPDATE|DELETE|REPLACE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Writes();

    [GeneratedRegex(@"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Control();
}
