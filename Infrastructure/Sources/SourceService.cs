using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Sources;

/// <summary>What a client may set on a source. A null password leaves the stored one as it is.</summary>
public sealed record SourceInput(string Name, string Host, int Port, string Database, string Username, string? Password, string SslMode, bool Enabled);

public sealed class SourceService(CatalogDbContext db, SecretProtector secrets, Schedules.ScheduleService schedules)
{
    public Task<List<Source>> ListAsync(CancellationToken cancellationToken) =>
        db.Sources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);

    public async Task<Source> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Sources.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Source", id);

    public async Task<Source> CreateAsync(SourceInput input, CancellationToken cancellationToken)
    {
        await EnsureNameFreeAsync(input.Name, null, cancellationToken);
        var source = new Source { Name = input.Name, Host = input.Host, DatabaseName = input.Database, Username = input.Username };
        Apply(source, input);
        db.Sources.Add(source);
        await db.SaveChangesAsync(cancellationToken);
        await schedules.AddDefaultsAsync(source.Id, cancellationToken);
        return source;
    }

    public async Task<Source> UpdateAsync(Guid id, SourceInput input, CancellationToken cancellationToken)
    {
        var source = await GetAsync(id, cancellationToken);
        await EnsureNameFreeAsync(input.Name, id, cancellationToken);
        Apply(source, input);
        await db.SaveChangesAsync(cancellationToken);
        return source;
    }

    /// <summary>Registers or updates a source by name, as <c>SUPABASE_URL</c> does at startup.</summary>
    public async Task<Source> UpsertByNameAsync(SourceInput input, CancellationToken cancellationToken)
    {
        var existing = await db.Sources.SingleOrDefaultAsync(s => s.Name == input.Name, cancellationToken);
        return existing is null ? await CreateAsync(input, cancellationToken) : await UpdateAsync(existing.Id, input, cancellationToken);
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var source = await GetAsync(id, cancellationToken);
        if (source.PointInTimeRecovery)
            throw new ConflictException($"Source '{source.Name}' has point-in-time recovery on; disable it first, which drops its replication slot.");
        if (await db.WalSegments.AnyAsync(w => w.SourceId == id, cancellationToken))
            throw new ConflictException($"Source '{source.Name}' has archived WAL in the catalog; disable it instead.");
        if (await db.BackupJobs.AnyAsync(j => j.SourceId == id && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled, cancellationToken))
            throw new ConflictException($"Source '{source.Name}' has backups in the catalog; disable it instead, or delete its backups first.");
        db.BackupJobs.RemoveRange(db.BackupJobs.Where(j => j.SourceId == id));
        db.Sources.Remove(source);
        await db.SaveChangesAsync(cancellationToken);
    }

    private void Apply(Source source, SourceInput input)
    {
        source.Name = input.Name;
        source.Host = input.Host;
        source.Port = input.Port;
        source.DatabaseName = input.Database;
        source.Username = input.Username;
        source.SslMode = input.SslMode;
        source.Enabled = input.Enabled;
        if (input.Password is not null) source.PasswordEncrypted = secrets.Protect(input.Password);
        source.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private async Task EnsureNameFreeAsync(string name, Guid? self, CancellationToken cancellationToken)
    {
        if (await db.Sources.AnyAsync(s => s.Name == name && s.Id != self, cancellationToken))
            throw new ConflictException($"A source named '{name}' already exists.", "name");
    }
}
