namespace BackupPortal.Api.Audit;

/// <summary>Lets a handler tell the audit trail who acted and how it ended when the token alone cannot (sign-ins).</summary>
public static class AuditOutcome
{
    private const string Key = "BackupPortal.Audit";

    public sealed record Info(string Actor, string? Role, string Outcome);

    public static void Set(HttpContext http, string actor, string? role, string outcome) => http.Items[Key] = new Info(actor, role, outcome);

    public static Info? Get(HttpContext http) => http.Items.TryGetValue(Key, out var value) ? value as Info : null;
}
