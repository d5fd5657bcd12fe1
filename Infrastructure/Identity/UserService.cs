using BackupPortal.Domain.Common;
using BackupPortal.Domain.Identity;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Identity;

public sealed record UserInfo(Guid Id, string UserName, string Role, bool LockedOut, DateTimeOffset CreatedAt);

/// <summary>People and their one role. Passwords are hashed by Identity; failed sign-ins lock the account out for a while.</summary>
public sealed class UserService(UserManager<AppUser> users, CatalogDbContext db)
{
    public async Task<List<UserInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var roles = await RolesByUserAsync(cancellationToken);
        return [.. all.Select(u => Info(u, roles.GetValueOrDefault(u.Id, Roles.Viewer)))];
    }

    public async Task<UserInfo> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await Find(id);
        return Info(user, await RoleOfAsync(user));
    }

    public async Task<UserInfo> CreateAsync(string userName, string password, string role, CancellationToken cancellationToken)
    {
        if (await users.FindByNameAsync(userName) is not null)
            throw new ConflictException($"A user named '{userName}' already exists.", "userName");
        var user = new AppUser { UserName = userName };
        Check(await users.CreateAsync(user, password), "password");
        Check(await users.AddToRoleAsync(user, role), "role");
        return Info(user, role);
    }

    /// <summary>Changes the role and, when given, the password; a null password leaves it as it is.</summary>
    public async Task<UserInfo> UpdateAsync(Guid id, string? password, string role, CancellationToken cancellationToken)
    {
        var user = await Find(id);
        var current = await RoleOfAsync(user);
        if (current == Roles.Admin && role != Roles.Admin) await EnsureAnotherAdminAsync(user);
        if (current != role)
        {
            Check(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)), "role");
            Check(await users.AddToRoleAsync(user, role), "role");
        }
        if (password is not null)
        {
            Check(await users.RemovePasswordAsync(user), "password");
            Check(await users.AddPasswordAsync(user, password), "password");
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }
        return Info(user, role);
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await Find(id);
        if (await RoleOfAsync(user) == Roles.Admin) await EnsureAnotherAdminAsync(user);
        Check(await users.DeleteAsync(user), "id");
    }

    /// <summary>Checks a password with lockout; the user and role on success.</summary>
    public async Task<(UserInfo? User, string Outcome)> CheckPasswordAsync(string userName, string password)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null) return (null, "unknown user");
        if (await users.IsLockedOutAsync(user)) return (null, "locked out");
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return (null, await users.IsLockedOutAsync(user) ? "locked out" : "wrong password");
        }
        await users.ResetAccessFailedCountAsync(user);
        return (Info(user, await RoleOfAsync(user)), "success");
    }

    public async Task<UserInfo?> FindActiveAsync(Guid id)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null || await users.IsLockedOutAsync(user)) return null;
        return Info(user, await RoleOfAsync(user));
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => db.Users.AnyAsync(cancellationToken);

    private async Task<AppUser> Find(Guid id) => await users.FindByIdAsync(id.ToString()) ?? throw new NotFoundException("User", id);

    private async Task<string> RoleOfAsync(AppUser user) => (await users.GetRolesAsync(user)).FirstOrDefault() ?? Roles.Viewer;

    private async Task EnsureAnotherAdminAsync(AppUser user)
    {
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).All(u => u.Id == user.Id))
            throw new ConflictException("This is the last admin; make another user admin first.", "role");
    }

    private async Task<Dictionary<Guid, string>> RolesByUserAsync(CancellationToken cancellationToken) =>
        await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToDictionaryAsync(x => x.UserId, x => x.Name!, cancellationToken);

    private static UserInfo Info(AppUser user, string role) =>
        new(user.Id, user.UserName!, role, user.LockoutEnd > DateTimeOffset.UtcNow, user.CreatedAt);

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)), field, 400);
    }
}
