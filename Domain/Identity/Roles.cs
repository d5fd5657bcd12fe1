namespace BackupPortal.Domain.Identity;

/// <summary>
/// admin: everything, including restores, users, clients and keys. operator: sources, schedules, triggering and
/// verifying backups. viewer: read only.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Viewer = "viewer";

    public static readonly string[] All = [Admin, Operator, Viewer];

    /// <summary>Roles allowed to change sources and schedules and to run backups.</summary>
    public static readonly string[] Operators = [Admin, Operator];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);
}
