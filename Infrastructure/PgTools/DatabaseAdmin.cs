using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using Npgsql;

namespace BackupPortal.Infrastructure.PgTools;

/// <summary>Catalog queries against a protected server: which tables exist, how many rows, creating and dropping databases.</summary>
public static class DatabaseAdmin
{
    /// <summary>User tables with the oids of everything that belongs to them, as pg_dump names them in its TOC.</summary>
    private const string TablesSql = """
        select c.oid, n.nspname, c.relname,
          array(select i.indexrelid from pg_index i where i.indrelid = c.oid)
          || array(select co.oid from pg_constraint co where co.conrelid = c.oid)
          || array(select t.oid from pg_trigger t where t.tgrelid = c.oid and not t.tgisinternal)
          || array(select d.oid from pg_attrdef d where d.adrelid = c.oid)
          || array(select p.oid from pg_policy p where p.polrelid = c.oid)
          || array(select r.oid from pg_rewrite r where r.ev_class = c.oid)
          || array(select s.oid from pg_statistic_ext s where s.stxrelid = c.oid)
          || array(select dep.objid from pg_depend dep
                   where dep.refobjid = c.oid and dep.classid = 'pg_class'::regclass
                     and dep.refclassid = 'pg_class'::regclass and dep.deptype in ('a', 'i')
                     and (select relkind from pg_class where oid = dep.objid) = 'S'),
          array(select sn.nspname || '.' || sq.relname from pg_depend dep
                join pg_class sq on sq.oid = dep.objid and sq.relkind = 'S'
                join pg_namespace sn on sn.oid = sq.relnamespace
                where dep.refobjid = c.oid and dep.classid = 'pg_class'::regclass
                  and dep.refclassid = 'pg_class'::regclass and dep.deptype in ('a', 'i')),
          array(select co.oid from pg_constraint co where co.conrelid = c.oid and co.contype = 'f'),
          array(select rn.nspname || '.' || rc.relname from pg_constraint co
                join pg_class rc on rc.oid = co.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
                where co.conrelid = c.oid and co.contype = 'f')
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p')
          and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
          and not exists (select 1 from pg_depend e where e.objid = c.oid and e.deptype = 'e')
        order by n.nspname, c.relname
        """;

    public static async Task<List<ArchivedTable>> ListTablesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool countRows, CancellationToken cancellationToken)
    {
        var tables = new List<ArchivedTable>();
        await using (var command = new NpgsqlCommand(TablesSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var fkOids = reader.GetFieldValue<uint[]>(5);
                var fkTargets = reader.GetFieldValue<string[]>(6);
                tables.Add(new ArchivedTable
                {
                    Oid = reader.GetFieldValue<uint>(0),
                    Schema = reader.GetString(1),
                    Name = reader.GetString(2),
                    DependentOids = [.. reader.GetFieldValue<uint[]>(3)],
                    OwnedSequences = [.. reader.GetFieldValue<string[]>(4)],
                    ForeignKeys = fkOids.Zip(fkTargets).ToDictionary(p => p.First, p => p.Second),
                });
            }
        }
        if (!countRows) return tables;
        var counted = new List<ArchivedTable>(tables.Count);
        foreach (var table in tables)
            counted.Add(table with { RowCount = await CountAsync(connection, transaction, table.Schema, table.Name, cancellationToken) ?? 0 });
        return counted;
    }

    /// <summary>Exact row count, or null when the table does not exist.</summary>
    public static async Task<long?> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, string table, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("select to_regclass(@name) is not null", connection, transaction);
        exists.Parameters.AddWithValue("name", PgIdentifier.Quote(schema, table));
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return null;
        await using var count = new NpgsqlCommand($"select count(*) from only {PgIdentifier.Quote(schema, table)}", connection, transaction);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<List<TableComparison>> CompareCountsAsync(PgEndpoint endpoint, IEnumerable<ArchivedTable> expected, bool schemaOnly, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken);
        var result = new List<TableComparison>();
        foreach (var table in expected)
        {
            var actual = await CountAsync(connection, null, table.Schema, table.Name, cancellationToken);
            result.Add(new TableComparison(table.QualifiedName, schemaOnly ? 0 : table.RowCount, actual));
        }
        return result;
    }

    public static async Task<bool> DatabaseExistsAsync(PgEndpoint server, string database, CancellationToken cancellationToken)
    {
        await using var connection = await server.WithDatabase("postgres").OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select exists(select 1 from pg_database where datname = @name)", connection);
        command.Parameters.AddWithValue("name", database);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static Task CreateDatabaseAsync(PgEndpoint server, string database, CancellationToken cancellationToken) =>
        ExecuteAsync(server, $"create database {PgIdentifier.Quote(database)} template template0", cancellationToken);

    public static Task DropDatabaseAsync(PgEndpoint server, string database, CancellationToken cancellationToken) =>
        ExecuteAsync(server, $"drop database if exists {PgIdentifier.Quote(database)} with (force)", cancellationToken);

    public static Task RenameDatabaseAsync(PgEndpoint server, string from, string to, CancellationToken cancellationToken) =>
        ExecuteAsync(server, $"alter database {PgIdentifier.Quote(from)} rename to {PgIdentifier.Quote(to)}", cancellationToken);

    private static async Task ExecuteAsync(PgEndpoint server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await server.WithDatabase("postgres").OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
