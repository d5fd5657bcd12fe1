using System.Net;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class BackupRestoreTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    private const string EveryTypeSql = """
        create type mood as enum ('sad', 'ok', 'happy');
        create domain positive as integer check (value > 0);
        create table everything (
            id bigserial primary key,
            small smallint, whole integer, big bigint, exact numeric(20,6), approx real, dbl double precision,
            label text, code varchar(20), fixed char(4), flag boolean, day date, clock time, stamp timestamp,
            moment timestamptz, span interval, uid uuid, doc json, docb jsonb, blob bytea, ints integer[], words text[],
            addr inet, net cidr, mac macaddr, spot point, search tsvector, feeling mood, amount positive, cash money,
            bits bit(8), vbits varbit(16), ir int4range, tr tstzrange, x xml
        );
        insert into everything (small, whole, big, exact, approx, dbl, label, code, fixed, flag, day, clock, stamp, moment, span,
            uid, doc, docb, blob, ints, words, addr, net, mac, spot, search, feeling, amount, cash, bits, vbits, ir, tr, x)
        select i % 32000, i * 7, i::bigint * 1000003, i / 7.0, i / 3.0, i / 11.0, 'row ' || i || E' with \'quotes\' and \\ backslash',
            'c' || i, 'ab', i % 2 = 0, date '2020-01-01' + i, time '00:00' + i * interval '1 second', timestamp '2021-01-01' + i * interval '1 minute',
            timestamptz '2021-01-01 00:00+02' + i * interval '1 hour', i * interval '1 day', md5(i::text)::uuid,
            json_build_object('i', i, 'nested', json_build_array(1, 2, i)), jsonb_build_object('k', i, 'u', 'ünïcødé ' || i),
            decode(md5(i::text), 'hex'), array[i, i + 1, null], array['a' || i, null, 'b'], ('10.0.' || (i % 255) || '.1')::inet,
            '192.168.0.0/24', '08:00:2b:01:02:03', point(i, -i), to_tsvector('english', 'backups are restored ' || i),
            (array['sad', 'ok', 'happy'])[1 + i % 3]::mood, i, i * 1.25, (i % 256)::bit(8), (i % 512)::bit(9)::varbit,
            int4range(i, i + 10), tstzrange(now() - interval '1 day', null), xmlparse(content '<r n="' || i || '"/>')
        from generate_series(1, 3000) i;
        insert into everything (label) values (null);
        create table parents (id int primary key, name text not null unique);
        create table children (id int primary key, parent_id int not null references parents(id), note text);
        create index children_note_idx on children (note);
        insert into parents select i, 'p' || i from generate_series(1, 200) i;
        insert into children select i, 1 + i % 200, 'n' || i from generate_series(1, 5000) i;
        """;

    [Fact]
    public async Task Full_backup_round_trip_restores_every_column_type_with_identical_content()
    {
        var database = "roundtrip_src";
        var sourceId = await _api.AddSourceAsync(database, EveryTypeSql);
        var backup = await _api.BackupAsync(sourceId);

        var report = backup["verificationReport"]!["checks"]!.AsArray();
        Assert.Equal(["file_size", "checksum_sha256", "decryption", "archive_toc", "schema_consistency", "data_consistency"],
            report.Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(report, c => Assert.True(c!["passed"]!.GetValue<bool>(), c.ToJsonString()));
        var tables = backup["tables"]!.AsArray().ToDictionary(t => t!["table"]!.GetValue<string>(), t => t!["rowCount"]!.GetValue<long>());
        Assert.Equal(3001, tables["public.everything"]);
        Assert.Equal(5000, tables["public.children"]);
        Assert.Contains("dumping contents of table \"public.everything\"", backup["log"]!.GetValue<string>());

        // The manifest beside the artifact describes it without the catalog.
        var manifest = await _api.GetAsync($"/api/v1/backups/{backup["id"]}/manifest");
        Assert.Equal(backup["checksumSha256"]!.ToString(), manifest["checksumSha256"]!.ToString());
        Assert.Equal(backup["storagePath"]!.ToString(), manifest["artifactPath"]!.ToString());
        Assert.Equal(3001, manifest["details"]!["tables"]!.AsArray().Single(t => t!["name"]!.ToString() == "everything")!["rowCount"]!.GetValue<long>());

        var restore = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = "roundtrip_copy", reason = "round-trip test" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal("tests", restore["requestedBy"]!.GetValue<string>());
        Assert.All(restore["rowCounts"]!.AsArray(), c => Assert.True(c!["matches"]!.GetValue<bool>()));
        // Restored in parallel: checked whole first, then data and indexes in several pg_restore processes.
        Assert.NotNull(restore["timings"]!["check_seconds"]);
        Assert.NotNull(restore["timings"]!["data_and_index_seconds"]);

        foreach (var table in new[] { "everything", "parents", "children" })
            Assert.Equal(await _api.ChecksumAsync(database, table), await _api.ChecksumAsync("roundtrip_copy", table));
        Assert.Equal(3001L, await fixture.Cluster.ScalarAsync<long>("roundtrip_copy", "select nextval('everything_id_seq') - 1"));
        // Indexes, constraints and the foreign key were built by their own steps.
        Assert.Equal(
            await fixture.Cluster.ScalarAsync<string>(database, DefinitionsSql),
            await fixture.Cluster.ScalarAsync<string>("roundtrip_copy", DefinitionsSql));
    }

    private const string DefinitionsSql = """
        select string_agg(d, E'\n' order by d) from (
            select indexdef as d from pg_indexes where schemaname = 'public'
            union all select conrelid::regclass || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace) x
        """;

    [Fact]
    public async Task Full_restore_brings_back_partitions_large_objects_views_triggers_grants_and_comments()
    {
        var database = "shapes_src";
        var sourceId = await _api.AddSourceAsync(database, """
            do $$ begin create role bp_shapes_reader; exception when duplicate_object then null; end $$;
            create schema sales;
            create table sales.region (id int generated always as identity primary key, name text not null unique);
            create table audit (id serial primary key, what text);
            create function log_region() returns trigger language plpgsql as $f$ begin insert into audit (what) values (new.name); return new; end $f$;
            create trigger region_logged after insert on sales.region for each row execute function log_region();
            create table sales.orders (id bigint not null, region_id int not null references sales.region(id), placed date not null,
                total numeric(12,2) not null, doubled numeric generated always as (total * 2) stored, primary key (id, placed))
                partition by range (placed);
            create table sales.orders_2024 partition of sales.orders for values from ('2024-01-01') to ('2025-01-01');
            create table sales.orders_2025 partition of sales.orders for values from ('2025-01-01') to ('2026-01-01');
            create index orders_region_idx on sales.orders (region_id);
            comment on index sales.orders_region_idx is 'by region';
            insert into sales.region (name) select 'r' || i from generate_series(1, 20) i;
            insert into sales.orders (id, region_id, placed, total)
                select i, 1 + i % 20, date '2024-01-01' + (i % 700), i / 3.0 from generate_series(1, 40000) i;
            create materialized view sales.region_totals as select region_id, sum(total) as total from sales.orders group by region_id;
            create unique index on sales.region_totals (region_id);
            create view busy_regions as select r.name, t.total from sales.region r join sales.region_totals t on t.region_id = r.id where t.total > 1000;
            grant usage on schema sales to bp_shapes_reader;
            grant select on sales.orders, busy_regions to bp_shapes_reader;
            create table documents (id int primary key, body oid);
            insert into documents select i, lo_from_bytea(0, convert_to(repeat('page ' || i, 1000), 'UTF8')) from generate_series(1, 5) i;
            """);
        var backup = await _api.BackupAsync(sourceId);

        var restore = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = "shapes_copy", reason = "shapes" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.NotNull(restore["timings"]!["data_and_index_seconds"]);

        foreach (var table in new[] { "sales.region", "sales.orders", "sales.orders_2025", "audit" })
            Assert.Equal(await _api.ChecksumAsync(database, table), await _api.ChecksumAsync("shapes_copy", table));
        foreach (var check in new[]
        {
            "select count(*)::text || ':' || sum(total)::text from sales.region_totals",
            "select string_agg(name, ',' order by name) from busy_regions",
            "select string_agg(md5(lo_get(body)), ',' order by id) from documents",
            "select obj_description('sales.orders_region_idx'::regclass)",
            "select has_table_privilege('bp_shapes_reader', 'sales.orders', 'select')::text",
            "select count(*)::text from pg_trigger where tgname = 'region_logged'",
            "select string_agg(indexrelid::regclass::text, ',' order by indexrelid::regclass::text) from pg_index where indrelid = 'sales.orders_2024'::regclass",
        })
        {
            var expected = await fixture.Cluster.ScalarAsync<string>(database, $"select coalesce(({check}), 'null')");
            Assert.NotEqual("null", expected);
            Assert.Equal(expected, await fixture.Cluster.ScalarAsync<string>("shapes_copy", $"select coalesce(({check}), 'null')"));
        }
        // The trigger logged each region once in the source; it came back after the data, so restoring fired nothing.
        Assert.Equal(20L, await fixture.Cluster.ScalarAsync<long>(database, "select count(*) from audit"));
        Assert.Equal(20L, await fixture.Cluster.ScalarAsync<long>("shapes_copy", "select count(*) from audit"));
    }

    [Fact]
    public async Task Partial_restore_brings_back_a_dropped_table_and_leaves_a_mutated_table_as_it_is()
    {
        var database = "partial_src";
        var sourceId = await _api.AddSourceAsync(database, EveryTypeSql);
        var backup = await _api.BackupAsync(sourceId);
        var parentsBefore = await _api.ChecksumAsync(database, "parents");
        var childrenBefore = await _api.ChecksumAsync(database, "children");

        await fixture.Cluster.ExecuteAsync(database, "update children set note = 'mutated' where id <= 10; drop table parents cascade;");
        var childrenMutated = await _api.ChecksumAsync(database, "children");

        var contents = await _api.GetAsync($"/api/v1/backups/{backup["id"]}/contents");
        Assert.Contains(contents["tables"]!.AsArray(), t => t!["qualifiedName"]!.GetValue<string>() == "public.parents");

        var restore = await _api.RestoreAsync(new
        {
            backupId = backup["id"]!.ToString(), restoreType = "partial", tables = new[] { "public.parents" },
            targetDatabase = database, overwrite = true, confirm = database, reason = "parents were dropped by mistake",
        });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.NotNull(restore["safetyBackupId"]);

        Assert.Equal(parentsBefore, await _api.ChecksumAsync(database, "parents"));
        Assert.Equal(childrenMutated, await _api.ChecksumAsync(database, "children"));
        Assert.NotEqual(childrenBefore, childrenMutated);
        // The restored table has its unique constraint back.
        Assert.Equal(1L, await fixture.Cluster.ScalarAsync<long>(database,
            "select count(*) from pg_constraint where conrelid = 'parents'::regclass and contype = 'u'"));

        var safety = await _api.GetAsync($"/api/v1/backups/{restore["safetyBackupId"]}");
        Assert.Equal("safety", safety["trigger"]!.GetValue<string>());
        Assert.Equal("completed", safety["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Partial_restore_of_a_table_into_a_live_database_keeps_foreign_keys_that_point_at_it()
    {
        var database = "partial_fk_src";
        var sourceId = await _api.AddSourceAsync(database, EveryTypeSql);
        var backup = await _api.BackupAsync(sourceId);
        var before = await _api.ChecksumAsync(database, "parents");
        await fixture.Cluster.ExecuteAsync(database, "update parents set name = name || '!' where id < 50");

        var restore = await _api.RestoreAsync(new
        {
            backupId = backup["id"]!.ToString(), restoreType = "partial", tables = new[] { "public.parents" },
            targetDatabase = database, overwrite = true, confirm = database, reason = "undo a bad update",
        });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal(before, await _api.ChecksumAsync(database, "parents"));
        Assert.Equal(1L, await fixture.Cluster.ScalarAsync<long>(database,
            "select count(*) from pg_constraint where conrelid = 'children'::regclass and contype = 'f'"));
    }

    [Fact]
    public async Task Schema_only_backup_restores_empty_tables()
    {
        var sourceId = await _api.AddSourceAsync("schema_src", EveryTypeSql);
        var backup = await _api.BackupAsync(sourceId, "schema_only");
        var restore = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = "schema_copy", reason = "schema test" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        foreach (var table in new[] { "everything", "parents", "children" })
        {
            Assert.Equal(0L, await fixture.Cluster.ScalarAsync<long>("schema_copy", $"select count(*) from {table}"));
            Assert.True(await fixture.Cluster.ScalarAsync<long>("schema_src", $"select count(*) from {table}") > 0);
        }
    }

    [Fact]
    public async Task A_flipped_byte_in_the_artifact_fails_verification_and_blocks_restore()
    {
        var sourceId = await _api.AddSourceAsync("corrupt_src", "create table t as select i as id, md5(i::text) as v from generate_series(1, 50000) i;");
        var backup = await _api.BackupAsync(sourceId);
        var id = backup["id"]!.ToString();
        var file = Path.Combine(fixture.StoragePath, backup["storagePath"]!.GetValue<string>());
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var b = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        await _api.PostAsync($"/api/v1/backups/{id}/verify", new { }, HttpStatusCode.Accepted);
        var verified = await _api.WaitAsync($"/api/v1/backups/{id}", d => d["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.Equal("failed", verified["verificationStatus"]!.GetValue<string>());
        var checks = verified["verificationReport"]!["checks"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["passed"]!.GetValue<bool>());
        Assert.True(checks["file_size"]);
        Assert.False(checks["checksum_sha256"]);
        Assert.False(checks["decryption"]);
        Assert.False(checks["data_consistency"]);

        var refused = await _api.PostAsync("/api/v1/restores", new { backupId = id, restoreType = "full", reason = "should be refused" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("force", refused.ToJsonString());

        // Forced, the restore still stops at the corrupted chunk and leaves no database behind.
        var forced = await _api.RestoreAsync(new { backupId = id, restoreType = "full", targetDatabase = "corrupt_copy", force = true, reason = "forced" });
        Assert.Equal("failed", forced["status"]!.GetValue<string>());
        Assert.Contains("authentication", forced["errorMessage"]!.GetValue<string>());
        Assert.False(await fixture.Cluster.ScalarAsync<bool>("postgres", "select exists(select 1 from pg_database where datname = 'corrupt_copy')"));
    }

    [Fact]
    public async Task A_restore_that_hits_an_error_fails_stops_every_process_and_leaves_no_database()
    {
        var database = "lost_owner_src";
        var sourceId = await _api.AddSourceAsync(database, """
            create role bp_lost_owner;
            create table kept (id int primary key, note text);
            insert into kept select i, 'n' || i from generate_series(1, 20000) i;
            create table owned (id int primary key);
            alter table owned owner to bp_lost_owner;
            """);
        var backup = await _api.BackupAsync(sourceId);
        await fixture.Cluster.ExecuteAsync(database, "alter table owned owner to postgres; drop role bp_lost_owner;");

        var failed = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = "lost_owner_copy", reason = "owner gone" });
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("bp_lost_owner", failed["errorMessage"]!.GetValue<string>());
        Assert.False(await fixture.Cluster.ScalarAsync<bool>("postgres", "select exists(select 1 from pg_database where datname = 'lost_owner_copy')"));
        Assert.Equal(0L, await fixture.Cluster.ScalarAsync<long>("postgres", "select count(*) from pg_stat_activity where datname = 'lost_owner_copy'"));

        var withoutOwners = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = "lost_owner_copy", noOwner = true, reason = "owners left out" });
        Assert.True(withoutOwners["status"]!.GetValue<string>() == "completed", withoutOwners.ToJsonString());
        Assert.Equal(await _api.ChecksumAsync(database, "kept"), await _api.ChecksumAsync("lost_owner_copy", "kept"));
    }

    [Fact]
    public async Task Overwriting_an_existing_database_needs_overwrite_and_the_exact_name_to_confirm()
    {
        var database = "overwrite_src";
        var sourceId = await _api.AddSourceAsync(database, "create table t (id int primary key); insert into t select generate_series(1, 100);");
        var backup = await _api.BackupAsync(sourceId);
        var backupId = backup["id"]!.ToString();

        var noOverwrite = await _api.PostAsync("/api/v1/restores", new { backupId, restoreType = "full", targetDatabase = database, reason = "x" }, HttpStatusCode.Conflict);
        Assert.Contains("overwrite", noOverwrite["errors"]!.ToJsonString());
        var noConfirm = await _api.PostAsync("/api/v1/restores", new { backupId, restoreType = "full", targetDatabase = database, overwrite = true, reason = "x" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("confirm", noConfirm["errors"]!.ToJsonString());
        await _api.PostAsync("/api/v1/restores", new { backupId, restoreType = "full", targetDatabase = database, overwrite = true, confirm = "wrong", reason = "x" }, HttpStatusCode.UnprocessableEntity);

        await fixture.Cluster.ExecuteAsync(database, "delete from t where id > 10");
        var restore = await _api.RestoreAsync(new { backupId, restoreType = "full", targetDatabase = database, overwrite = true, confirm = database, reason = "roll back the delete" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal(100L, await fixture.Cluster.ScalarAsync<long>(database, "select count(*) from t"));

        // The safety backup holds the state just before the overwrite, and restores like any other backup.
        var safetyId = restore["safetyBackupId"]!.ToString();
        var safetyRestore = await _api.RestoreAsync(new { backupId = safetyId, restoreType = "full", targetDatabase = "overwrite_before", reason = "inspect" });
        Assert.True(safetyRestore["status"]!.GetValue<string>() == "completed", safetyRestore.ToJsonString());
        Assert.Equal(10L, await fixture.Cluster.ScalarAsync<long>("overwrite_before", "select count(*) from t"));
    }
}
