using Mailroom.Server.Storage;

namespace Mailroom.Server.Tests.Storage;

/// <summary>The call journal as the next write transaction reads it: records past the mark, torn tails, gaps.</summary>
public sealed class CallJournalTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mailroom-journal-tests", Guid.NewGuid().ToString("N"));

    public CallJournalTests() => System.IO.Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "mailroom.db");

    private string JournalPath => DatabasePath + "-calls";

    [Fact]
    public void RecordsComeBackWithEveryValueType()
    {
        RecordedStatement statement = new(
            "INSERT INTO t (a, b, c, d, e, f) VALUES (@a, @b, @c, @d, @e, @f)",
            [("@a", 42L), ("@b", 7), ("@c", "成员 ü"), ("@d", new byte[] { 0, 1, 255 }), ("@e", null), ("@f", 2.5)]);
        using (var journal = new CallJournal(DatabasePath))
        {
            Assert.Empty(journal.Read(0));
            journal.Append(1, [statement]);
            journal.Append(2, [statement, statement]);
        }

        using var reopened = new CallJournal(DatabasePath);
        var records = reopened.Read(0);

        Assert.Equal([1L, 2L], records.Select(r => r.Sequence));
        Assert.Equal([1, 2], records.Select(r => r.Statements.Count));
        var read = records[0].Statements[0];
        Assert.Equal(statement.Sql, read.Sql);
        Assert.Equal(["@a", "@b", "@c", "@d", "@e", "@f"], read.Arguments.Select(a => a.Name));
        Assert.Equal(42L, read.Arguments[0].Value);
        Assert.Equal(7L, read.Arguments[1].Value);
        Assert.Equal("成员 ü", read.Arguments[2].Value);
        Assert.Equal(new byte[] { 0, 1, 255 }, read.Arguments[3].Value);
        Assert.Null(read.Arguments[4].Value);
        Assert.Equal(2.5, read.Arguments[5].Value);
    }

    [Fact]
    public void OnlyRecordsPastTheMarkAreReplayedAndACommittedJournalIsEmptied()
    {
        Write(mark: 4, 5, 6, 7);

        using var reopened = new CallJournal(DatabasePath);
        Assert.Equal([6L, 7L], reopened.Read(5).Select(r => r.Sequence));
        Assert.True(new FileInfo(JournalPath).Length > 0, "records not yet committed stay");

        Assert.Empty(reopened.Read(7));
        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public void ATornTailEndsTheJournalAndIsCutOff()
    {
        Write(mark: 0, 1, 2);

        var whole = new FileInfo(JournalPath).Length;
        using (var file = File.OpenWrite(JournalPath))
        {
            file.SetLength(whole - 3);
        }

        using var reopened = new CallJournal(DatabasePath);
        Assert.Equal([1L], reopened.Read(0).Select(r => r.Sequence));

        // The next record goes where the torn one was, and both are read back.
        reopened.Append(2, [Statement(20)]);
        Assert.Equal([1L, 2L], reopened.Read(0).Select(r => r.Sequence));
        Assert.Equal(20L, reopened.Read(0)[1].Statements[0].Arguments[0].Value);
    }

    [Fact]
    public void ADamagedRecordOrAGapInTheSequenceEndsTheJournal()
    {
        Write(mark: 0, 1, 2, 4);

        using (var reopened = new CallJournal(DatabasePath))
        {
            Assert.Equal([1L, 2L], reopened.Read(0).Select(r => r.Sequence));
        }

        // One changed byte in the second record's statements.
        var bytes = File.ReadAllBytes(JournalPath);
        var second = CallJournal.Encode(1, [Statement(1)]).Length;
        bytes[second + 20] ^= 0x40;
        File.WriteAllBytes(JournalPath, bytes);

        using var damaged = new CallJournal(DatabasePath);
        Assert.Equal([1L], damaged.Read(0).Select(r => r.Sequence));
    }

    [Fact]
    public void AJournalThatStartsAfterTheMarkHasNothingToReplay()
    {
        using var journal = new CallJournal(DatabasePath);
        journal.Read(0);
        journal.Append(3, [Statement(3)]);

        Assert.Empty(journal.Read(1));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1)", true)]
    [InlineData("  update t SET a = 1", true)]
    [InlineData("DELETE FROM t RETURNING id", true)]
    [InlineData("WITH x AS (SELECT 1) UPDATE t SET a = 1", true)]
    [InlineData("SELECT a FROM t", false)]
    [InlineData("\n  select a from t", false)]
    [InlineData("WITH RECURSIVE x AS (SELECT 1) SELECT * FROM x", false)]
    [InlineData("SAVEPOINT call", false)]
    [InlineData("BEGIN IMMEDIATE", false)]
    [InlineData("PRAGMA synchronous=NORMAL", false)]
    public void StatementsThatMayChangeTheDatabaseAreJournaled(string sql, bool changes) =>
        Assert.Equal(changes, SqlStatements.Changes(sql));

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    private static RecordedStatement Statement(long value) => new("UPDATE t SET a = @a", [("@a", value)]);

    // A journal as a writer leaves it: read at the mark its transaction began at, then one record per sequence number.
    private void Write(long mark, params long[] sequences)
    {
        using var journal = new CallJournal(DatabasePath);
        journal.Read(mark);
        foreach (var sequence in sequences)
        {
            journal.Append(sequence, [Statement(sequence)]);
        }
    }
}
