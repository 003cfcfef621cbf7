using System.Buffers;
using System.Text;
using Mailroom.Server.Mail;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Mail;

/// <summary>The spool's journal as a start reads it back: records, torn tails, refusals, files after a mark.</summary>
public sealed class MessageSpoolTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mailroom-spool-tests", Guid.NewGuid().ToString("N"));
    private static readonly IReadOnlyList<SpoolCopy> NoCopies = [];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Crc32CIsTheCastagnoliChecksum()
    {
        // The check value of CRC-32C (RFC 3720 B.4; "123456789").
        Assert.Equal(0xE3069283u, Crc32C.Append(0, "123456789"u8));
        Assert.Equal(Crc32C.Append(0, "123456789"u8), Crc32C.Append(Crc32C.Append(0, "1234"u8), "56789"u8));
    }

    [Fact]
    public async Task RecordsReadBackWithTheirDeliveryAndTheirRawBytes()
    {
        using var spool = NewSpool();
        var records = Enumerable.Range(0, 3).Select(Record).ToList();
        var stored = new List<SpooledMessage>();
        for (var i = 0; i < 3; i++)
        {
            stored.Add(await spool.StoreAsync(records[i], Raw($"message {i}")));
        }

        var file = Assert.Single(stored.Select(s => s.File).Distinct());
        Assert.Matches(@"^20261129/\d{12}\.msg$", file);
        var entries = SpoolJournal.Read(spool.Root, file, 0).ToList();

        Assert.Equal(3, entries.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(stored[i].Offset, entries[i].RawOffset);
            Assert.Equal(stored[i].Size, entries[i].RawLength);
            Assert.False(entries[i].Refused);
            Assert.Equal(records[i] with { Copies = NoCopies }, entries[i].Record with { Copies = NoCopies });
            Assert.Equal(records[i].Copies, entries[i].Record.Copies);
            await using var raw = await spool.OpenReadAsync(file, entries[i].RawOffset, entries[i].RawLength, TestContext.Current.CancellationToken);
            Assert.Equal($"Subject: message {i}\r\n\r\nbody\r\n", await new StreamReader(raw).ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        // From a mark in the middle: only what follows it.
        Assert.Equal([entries[2].RawOffset], SpoolJournal.Read(spool.Root, file, entries[2].Position.Offset).Select(e => e.RawOffset));
    }

    [Fact]
    public async Task ReadingStopsAtATornOrDamagedRecord()
    {
        string file;
        long secondRecord;
        using (var spool = NewSpool())
        {
            await spool.StoreAsync(Record(0), Raw("first"));
            var second = await spool.StoreAsync(Record(1), Raw("second"));
            (file, secondRecord) = (second.File, second.RecordOffset);
        }

        var path = Path.Combine(_dataDir, "mail", file);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);

        // A record cut short by a crash (only part of it reached the disk).
        await File.WriteAllBytesAsync(path, bytes[..^5], TestContext.Current.CancellationToken);
        Assert.Single(SpoolJournal.Read(Path.Combine(_dataDir, "mail"), file, 0));

        // A complete record whose bytes are not the ones written.
        bytes[^3] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        Assert.Single(SpoolJournal.Read(Path.Combine(_dataDir, "mail"), file, 0));

        // Garbage where a record should start.
        bytes[^3] ^= 0x20;
        bytes[secondRecord] = (byte)'X';
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        Assert.Single(SpoolJournal.Read(Path.Combine(_dataDir, "mail"), file, 0));
    }

    [Fact]
    public async Task ARefusedRecordIsMarkedSoAndLeftIntact()
    {
        using var spool = NewSpool();
        var kept = await spool.StoreAsync(Record(0), Raw("kept"));
        var refused = await spool.StoreAsync(Record(1), Raw("refused"));

        spool.Refuse(refused);

        var entries = SpoolJournal.Read(spool.Root, kept.File, 0).ToList();
        Assert.Equal([false, true], entries.Select(e => e.Refused));
        Assert.Equal(Record(1).Subject, entries[1].Record.Subject);
    }

    [Fact]
    public async Task TheMarkWaitsForTheOldestRecordWithoutItsRows()
    {
        using var spool = NewSpool();
        Assert.Null(spool.Mark());
        var first = await spool.StoreAsync(Record(0), Raw("a"));
        var second = await spool.StoreAsync(Record(1), Raw("b"));
        var third = await spool.StoreAsync(Record(2), Raw("c"));

        spool.Committed(second);
        Assert.Equal(new SpoolMark(first.File, first.RecordOffset), spool.Mark());
        spool.Committed(first);
        Assert.Equal(new SpoolMark(third.File, third.RecordOffset), spool.Mark());
        spool.Refuse(third);
        Assert.Equal(new SpoolMark(third.File, third.Offset + third.Size), spool.Mark());
    }

    [Fact]
    public async Task FilesContinueOneSequenceAcrossDaysAndRestarts()
    {
        SpooledMessage yesterday;
        using (var spool = NewSpool())
        {
            yesterday = await spool.StoreAsync(Record(0), Raw("yesterday"));
        }

        _time.Advance(TimeSpan.FromDays(1));
        SpooledMessage today;
        using (var spool = NewSpool())
        {
            today = await spool.StoreAsync(Record(1), Raw("today"));
        }

        Assert.StartsWith("20261130/", today.File, StringComparison.Ordinal);
        var root = Path.Combine(_dataDir, "mail");
        Assert.True(SpoolJournal.Sequence(Path.GetFileName(today.File)) > SpoolJournal.Sequence(Path.GetFileName(yesterday.File)));

        // Files after a mark, in the order written, the mark's own file included; none without a mark.
        Assert.Equal([yesterday.File, today.File], SpoolJournal.FilesFrom(root, null).Where(f => new FileInfo(Path.Combine(root, f)).Length > 0));
        Assert.Equal([today.File], SpoolJournal.FilesFrom(root, new SpoolMark(today.File, 0)).Where(f => new FileInfo(Path.Combine(root, f)).Length > 0));
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_dataDir))
        {
            System.IO.Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static SpoolRecord Record(int i) => new(
        new DateTimeOffset(2026, 11, 29, 10, 0, i, TimeSpan.Zero),
        "x@elsewhere.example",
        "\"X\" <x@elsewhere.example>",
        "bob@corp.example",
        $"Subject {i} 主题",
        "body",
        [new SpoolCopy(MailIds.New(), 7, 3, "bob@corp.example", "bob@corp.example"), new SpoolCopy(MailIds.New(), 8, 3, "amy@corp.example", "team@corp.example")]);

    private static ReadOnlySequence<byte> Raw(string subject) =>
        new(Encoding.UTF8.GetBytes($"Subject: {subject}\r\n\r\nbody\r\n"));

    private MessageSpool NewSpool() =>
        new(Options.Create(new StorageOptions { DataDir = _dataDir }), _time, NullLogger<MessageSpool>.Instance);
}
