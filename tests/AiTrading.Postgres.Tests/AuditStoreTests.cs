using AiTrading.Core.Audit;
using AiTrading.Grains;
using AiTrading.Storage.Postgres;
using Npgsql;

namespace AiTrading.Postgres.Tests;

/// <summary>The audit log's table against the real server: append-only, chained, partitioned by month.</summary>
public sealed class AuditStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private PostgresAuditStore Store => new(database.DataSource);

    /// <summary>A chain whose times carry 100 ns ticks, finer than PostgreSQL's timestamps, to prove they survive.</summary>
    private static List<AuditRecord> Chain(string stream, int n, DateTimeOffset start, TimeSpan step)
    {
        var records = new List<AuditRecord>();
        for (var i = 0; i < n; i++)
            records.Add(AuditChain.Next(records.LastOrDefault(), stream, start + i * step + TimeSpan.FromTicks(7), "fill", $"{{\"i\":{i}}}"));
        return records;
    }

    private async Task AppendAll(IEnumerable<AuditRecord> records)
    {
        foreach (var record in records) await Store.AppendAsync(record);
    }

    [Fact]
    public async Task Appended_records_read_back_exactly_and_verify_from_the_table()
    {
        var records = Chain("A-READ", 12, new DateTimeOffset(2026, 3, 31, 23, 55, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        await AppendAll(records);

        (await Store.ReadAsync("A-READ", 1, 100)).ShouldBe(records);
        (await Store.ReadAsync("A-READ", 5, 3)).ShouldBe(records.Skip(4).Take(3));
        (await Store.GetHeadAsync("A-READ")).ShouldBe(new AuditAnchor(12, records[^1].Hash));
        (await Store.GetHeadAsync("A-NONE")).ShouldBeNull();
        (await Store.GetAnchorAsync("A-READ")).ShouldBeNull();
        AuditChain.Verify("A-READ", await Store.ReadAsync("A-READ", 1, 100)).Valid.ShouldBeTrue();
        (await database.ScalarAsync<long>("SELECT count(DISTINCT tableoid) FROM audit_record WHERE stream = 'A-READ'"))
            .ShouldBe(2, "the records span the end of March, so two month partitions");
    }

    [Fact]
    public async Task A_duplicate_or_concurrent_append_cannot_fork_the_chain()
    {
        var records = Chain("A-RACE", 3, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        await AppendAll(records.Take(2));

        // Ten writers each try to extend record 2 with a different record 3; exactly one may win.
        var rivals = Enumerable.Range(0, 10)
            .Select(i => AuditChain.Next(records[1], "A-RACE", DateTimeOffset.UtcNow, "fill", $"{{\"rival\":{i}}}")).ToList();
        var outcomes = await Task.WhenAll(rivals.Select(r => Task.Run(async () =>
        {
            try { await new PostgresAuditStore(database.DataSource).AppendAsync(r); return true; }
            catch (AuditConflictException) { return false; }
        })));
        outcomes.Count(won => won).ShouldBe(1);
        var winner = rivals[Array.IndexOf(outcomes, true)];

        await Should.ThrowAsync<AuditConflictException>(() => Store.AppendAsync(winner)); // the same record again
        await Should.ThrowAsync<AuditConflictException>(() => Store.AppendAsync(records[0])); // a second first record
        var stored = await Store.ReadAsync("A-RACE", 1, 100);
        stored.ShouldBe([records[0], records[1], winner]);
        AuditChain.Verify("A-RACE", stored).Valid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("UPDATE audit_record SET payload = '{}' WHERE stream = 'A-LOCK'")]
    [InlineData("DELETE FROM audit_record WHERE stream = 'A-LOCK'")]
    [InlineData("TRUNCATE audit_record")]
    [InlineData("UPDATE audit_record_p202604 SET kind = 'x' WHERE stream = 'A-LOCK'")]
    [InlineData("DELETE FROM audit_record_p202604")]
    [InlineData("TRUNCATE audit_record_p202604")]
    public async Task The_table_refuses_updates_deletes_and_truncation(string sql)
    {
        var records = Chain("A-LOCK", 2, new DateTimeOffset(2026, 4, 10, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1));
        if (await Store.GetHeadAsync("A-LOCK") is null) await AppendAll(records);

        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql));
        error.MessageText.ShouldContain("audit records are append-only");
        (await Store.ReadAsync("A-LOCK", 1, 10)).ShouldBe(records);
    }

    [Fact]
    public async Task Writers_creating_the_same_new_month_partition_at_once_all_succeed()
    {
        var month = new DateTimeOffset(2031, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var streams = Enumerable.Range(0, 8).Select(i => Chain($"A-MONTH-{i}", 1, month.AddHours(i), TimeSpan.Zero)[0]).ToList();
        await Task.WhenAll(streams.Select(r => Task.Run(() => new PostgresAuditStore(database.DataSource).AppendAsync(r))));
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit_record_p203107")).ShouldBe(8);
    }

    [Fact]
    public async Task A_keyed_append_whose_key_the_stream_holds_stores_nothing_and_names_the_record_that_holds_it()
    {
        var records = Chain("A-KEYED", 3, new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1));
        (await Store.AppendAsync(records[0], "fill:F1")).ShouldBeNull();
        (await Store.AppendAsync(records[1], "fill:F1")).ShouldBe(1, "a repeat of F1's record, as a writer retrying after a crash sends it");
        (await Store.GetHeadAsync("A-KEYED"))!.Sequence.ShouldBe(1);
        (await Store.AppendAsync(records[1], "fill:F2")).ShouldBeNull();
        (await Store.AppendAsync(records[2])).ShouldBeNull("an unkeyed append is never deduplicated");
        (await Store.ReadAsync("A-KEYED", 1, 10)).ShouldBe(records);
        (await new PostgresAuditStore(database.DataSource).AppendAsync(AuditChain.Next(records[2], "A-KEYED", DateTimeOffset.UtcNow, "fill", "{}"), "fill:F2")).ShouldBe(2);
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit_key WHERE stream = 'A-KEYED'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_step_s_records_go_in_one_transaction_or_not_at_all()
    {
        var records = Chain("A-BATCH", 5, new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1));
        (await Store.TryAppendAllAsync([new(records[0], "k0"), new(records[1], null)])).ShouldBeTrue();
        (await Store.ReadAsync("A-BATCH", 1, 10)).ShouldBe(records.Take(2));

        // A key the stream holds, or a head that moved, and nothing of the step is stored.
        (await Store.TryAppendAllAsync([new(records[2], "k2"), new(records[3], "k0")])).ShouldBeFalse();
        (await Store.TryAppendAllAsync([new(records[3], null), new(records[4], null)])).ShouldBeFalse();
        (await Store.GetHeadAsync("A-BATCH"))!.Sequence.ShouldBe(2);
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit_key WHERE stream = 'A-BATCH'")).ShouldBe(1);

        (await Store.TryAppendAllAsync([new(records[2], "k2"), new(records[3], "k3"), new(records[4], null)])).ShouldBeTrue();
        AuditChain.Verify("A-BATCH", await Store.ReadAsync("A-BATCH", 1, 10)).Valid.ShouldBeTrue();
        (await Store.ReadAsync("A-BATCH", 1, 10)).ShouldBe(records);
    }
}

/// <summary>Retention drops whole month partitions older than the period, and what remains still verifies.</summary>
public sealed class AuditRetentionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Only_partitions_that_ended_before_the_period_are_dropped_and_the_rest_verifies_from_its_anchor()
    {
        var store = new PostgresAuditStore(database.DataSource);
        // One record a month for the stream from January 2018 to December 2019.
        var records = new List<AuditRecord>();
        for (var m = 0; m < 24; m++)
            records.Add(AuditChain.Next(records.LastOrDefault(), "R-OLD", new DateTimeOffset(2018, 1, 10, 0, 0, 0, TimeSpan.Zero).AddMonths(m), "fill", $"{{\"m\":{m}}}"));
        for (var m = 0; m < records.Count; m++) await store.AppendAsync(records[m], $"fill:M{m}");

        var retention = new AuditRetention(database.DataSource, retentionYears: 7);
        retention.Cutoff(Now).ShouldBe(new DateTimeOffset(2019, 3, 15, 12, 0, 0, TimeSpan.Zero));
        var dropped = await retention.DropExpiredAsync(Now);

        // January 2018 … February 2019 ended before 15 March 2019; March 2019 has not ended by then and stays.
        dropped.ShouldBe(Enumerable.Range(0, 14).Select(m => $"audit_record_p{new DateTime(2018, 1, 1).AddMonths(m):yyyyMM}"));
        (await retention.PartitionsAsync()).First().Name.ShouldBe("audit_record_p201903");
        var kept = await store.ReadAsync("R-OLD", 1, 100);
        kept.ShouldBe(records.Skip(14));
        var anchor = await store.GetAnchorAsync("R-OLD");
        anchor.ShouldBe(new AuditAnchor(14, records[13].Hash));
        AuditChain.Verify("R-OLD", kept, anchor).Valid.ShouldBeTrue();
        (await database.ScalarAsync<long>("SELECT min(sequence) FROM audit_key WHERE stream = 'R-OLD'")).ShouldBe(15, "the dropped records' keys go with them");

        (await retention.DropExpiredAsync(Now)).ShouldBeEmpty("a second run finds nothing more to drop");
        await store.AppendAsync(AuditChain.Next(await store.GetHeadAsync("R-OLD"), "R-OLD", Now, "fill", "{}")); // the chain goes on
    }

    [Fact]
    public async Task A_stream_whose_every_record_retention_dropped_keeps_its_head_and_goes_on_from_it()
    {
        var store = new PostgresAuditStore(database.DataSource);
        var first = AuditChain.Next((AuditRecord?)null, "R-IDLE", new DateTimeOffset(2017, 6, 1, 0, 0, 0, TimeSpan.Zero), "fill", "{}");
        var second = AuditChain.Next(first, "R-IDLE", new DateTimeOffset(2017, 6, 2, 0, 0, 0, TimeSpan.Zero), "fill", "{}");
        await store.AppendAsync(first);
        await store.AppendAsync(second);
        (await new AuditRetention(database.DataSource, 7).DropExpiredAsync(Now)).ShouldContain("audit_record_p201706");

        (await store.ReadAsync("R-IDLE", 1, 10)).ShouldBeEmpty();
        var head = await store.GetHeadAsync("R-IDLE");
        head.ShouldBe(new AuditAnchor(2, second.Hash));
        var third = AuditChain.Next(head, "R-IDLE", Now, "fill", "{}");
        await store.AppendAsync(third);
        AuditChain.Verify("R-IDLE", await store.ReadAsync("R-IDLE", 1, 10), await store.GetAnchorAsync("R-IDLE")).Valid.ShouldBeTrue();
    }

    [Fact]
    public void The_period_is_at_least_a_year()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new AuditRetention(database.DataSource, 0)).Message.ShouldContain("at least one year");
        new AuditRetention(database.DataSource, AuditRetention.DefaultYears).RetentionYears.ShouldBe(7);
    }
}
