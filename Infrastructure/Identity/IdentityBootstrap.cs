using System.Security.Cryptography;
using BackupPortal.Domain.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Identity;

/// <summary>
/// Creates the three roles, and on first start an <c>admin</c> user with <c>BACKUPPORTAL_ADMIN_PASSWORD</c> or, when
/// that is not set, a random password printed once to the console (never to the log).
/// </summary>
public sealed class IdentityBootstrap(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<IdentityBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole<Guid>(role));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        if (await users.AnyAsync(cancellationToken)) return;
        var given = configuration["BACKUPPORTAL_ADMIN_PASSWORD"];
        var password = string.IsNullOrEmpty(given) ? RandomPassword() : given;
        await users.CreateAsync("admin", password, Roles.Admin, cancellationToken);
        if (string.IsNullOrEmpty(given))
            Console.WriteLine($"""

                ==> BackupPortal created the user 'admin' with the password: {password}
                    It is shown only this once. Set BACKUPPORTAL_ADMIN_PASSWORD to choose it yourself.

                """);
        logger.LogInformation("Created the first user 'admin'");
    }

    /// <summary>Meets Identity's rules: upper, lower, digit and symbol, 20 characters.</summary>
    private static string RandomPassword() => "Bp-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('/', 'x').Replace('+', 'y') + "9a";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
