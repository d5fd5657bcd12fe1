using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace BackupPortal.Web.Pages.Admin;

/// <summary>Who may sign in (people) and call the Api (script clients), with their roles; admins add and remove them.</summary>
[Authorize]
public sealed class PeopleModel(ApiClient api) : ApiPage
{
    public static readonly string[] Roles = ["viewer", "operator", "admin"];

    public List<UserInfo> Users { get; private set; } = [];
    public List<ClientInfo> Clients { get; private set; } = [];

    /// <summary>A new client's secret, shown on this one answer and never again.</summary>
    public CreatedClient? NewClient { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostUserAsync(string userName, string password, string role, CancellationToken cancellationToken) =>
        ActAsync(() => api.CreateUserAsync(userName, password, role, cancellationToken), () => RedirectToPage(), $"User {userName} can sign in now.");

    /// <summary>A new role, and a new password when one is typed (which also lifts a lockout).</summary>
    public Task<IActionResult> OnPostUpdateUserAsync(Guid id, string role, string? password, CancellationToken cancellationToken) =>
        ActAsync(() => api.UpdateUserAsync(id, role, password, cancellationToken), () => RedirectToPage(),
            string.IsNullOrEmpty(password) ? $"Role set to {role}." : $"Role set to {role} and password changed.");

    public Task<IActionResult> OnPostDeleteUserAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.DeleteUserAsync(id, cancellationToken), () => RedirectToPage(), "User removed.");

    public Task<IActionResult> OnPostDeleteClientAsync(string clientId, CancellationToken cancellationToken) =>
        ActAsync(() => api.DeleteClientAsync(clientId, cancellationToken), () => RedirectToPage(), $"Client {clientId} removed.");

    /// <summary>Answers with the page itself rather than a redirect, so the secret is never stored in a cookie or a URL.</summary>
    public async Task<IActionResult> OnPostClientAsync(string clientId, string? displayName, string role, CancellationToken cancellationToken)
    {
        var answer = await ActAsync(async () => NewClient = await api.CreateClientAsync(clientId, displayName, role, cancellationToken), Page);
        await LoadAsync(cancellationToken);
        return answer;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Users = await api.UsersAsync(cancellationToken);
        Clients = await api.ClientsAsync(cancellationToken);
    }
}
