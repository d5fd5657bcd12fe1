using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPortal.Domain.Audit;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Audit;

public sealed record AuditEvent(string Actor, string? ActorRole, string Action, string? Target, string Outcome, string? RemoteAddress, string? Summary);

public sealed record AuditQuery(string? Actor, string? Action, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

public sealed record ChainVerification(bool Valid, long Checked, long? FirstBrokenId);

/// <summary>Appends to the tamper-evident audit chain and checks it.</summary>
public sealed class AuditService(CatalogDbContext db)
{
    // One writer at a time, so each row links to the row before it.
    private const long ChainLock = 0x42505f41554449;

    public async Task WriteAsync(AuditEvent e, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("select pg_advisory_xact_lock({0})", [ChainLock], cancellationToken);
        var last = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Select(a => new { a.Id, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        var entry = new AuditEntry
        {
            Id = (last?.Id ?? 0) + 1,
            At = AuditEntry.Now(),
            Actor = e.Actor,
            ActorRole = e.ActorRole,
            Action = e.Action,
            Target = e.Target,
            Outcome = e.Outcome,
            RemoteAddress = e.RemoteAddress,
            Summary = e.Summary,
            PrevHash = last?.Hash ?? AuditEntry.GenesisHash,
        };
        entry.Hash = entry.ComputeHash();
        db.AuditLog.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Recomputes every hash in order; the first row whose content or link does not match breaks the chain.</summary>
    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var previous = AuditEntry.GenesisHash;
        long expectedId = 1, count = 0;
        await foreach (var entry in db.AuditLog.AsNoTracking().OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            if (entry.Id != expectedId || entry.PrevHash != previous || entry.ComputeHash() != entry.Hash)
                return new ChainVerification(false, count, entry.Id);
            previous = entry.Hash;
            expectedId++;
        }
        return new ChainVerification(true, count, null);
    }

    public async Task<PagedList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var rows = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Actor)) rows = rows.Where(a => a.Actor == query.Actor);
        if (!string.IsNullOrEmpty(query.Action)) rows = rows.Where(a => a.Action.Contains(query.Action));
        if (query.From is { } from) rows = rows.Where(a => a.At >= from);
        if (query.To is { } to) rows = rows.Where(a => a.At <= to);
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(a => a.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new PagedList<AuditEntry>(items, query.Page, query.PageSize, total);
    }

    // "url": chat webhook addresses carry their token in the path.
    private static readonly string[] SecretWords = ["password", "secret", "token", "key", "credential", "authorization", "url"];

    /// <summary>A request body for the summary: JSON or form fields with anything secret-looking replaced, bounded in size.</summary>
    public static string? Redact(string? body, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        string text;
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                var node = JsonNode.Parse(body);
                RedactNode(node);
                text = node?.ToJsonString() ?? "";
            }
            catch (JsonException)
            {
                return "(unparsable JSON body)";
            }
        }
        else if (contentType?.Contains("form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var fields = System.Web.HttpUtility.ParseQueryString(body);
            text = JsonSerializer.Serialize(fields.AllKeys.Where(k => k is not null && !k.StartsWith("__", StringComparison.Ordinal))
                .ToDictionary(k => k!, k => IsSecret(k!) ? "***" : fields[k]));
        }
        else
        {
            return $"({body.Length} bytes of {contentType ?? "unknown content"})";
        }
        return text.Length <= 2000 ? text : text[..2000] + "…";
    }

    private static void RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (IsSecret(name)) obj[name] = "***";
                    else RedactNode(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array) RedactNode(item);
                break;
        }
    }

    private static bool IsSecret(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));
}
