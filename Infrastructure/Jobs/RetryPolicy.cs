using Npgsql;

namespace BackupPortal.Infrastructure.Jobs;

/// <summary>
/// A failed run of a schedule is queued again, per the schedule's policy: up to its attempts, waiting its backoff,
/// doubled on every further try. One statement, so any instance may apply it and each failure retries once.
/// </summary>
public static class RetryPolicy
{
    public static async Task<int> QueueRetriesAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> failedJobIds, CancellationToken cancellationToken)
    {
        if (failedJobIds.Count == 0) return 0;
        await using var command = new NpgsqlCommand("""
            insert into backup_jobs (id, schedule_id, source_id, database_name, backup_type, status, trigger, requested_by, verification_status,
                                     created_at, attempt, retry_of_id, not_before)
            select gen_random_uuid(), j.schedule_id, j.source_id, j.database_name, j.backup_type, 'pending', j.trigger, j.requested_by, 'pending',
                   now(), j.attempt + 1, j.id, now() + s.retry_backoff_seconds * power(2, j.attempt - 1) * interval '1 second'
            from backup_jobs j join backup_schedules s on s.id = j.schedule_id
            where j.id = any(@ids) and j.status = 'failed' and j.attempt < s.max_attempts
              and not exists (select 1 from backup_jobs r where r.retry_of_id = j.id)
            """, connection);
        command.Parameters.AddWithValue("ids", failedJobIds.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
