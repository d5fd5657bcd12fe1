using Microsoft.AspNetCore.Identity;

namespace BackupPortal.Infrastructure.Identity;

/// <summary>A person who signs in to the portal. Exactly one role from <see cref="Domain.Identity.Roles"/>.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
