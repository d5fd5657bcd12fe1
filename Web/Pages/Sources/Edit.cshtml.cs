using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Sources;

/// <summary>Registers or changes a source. The password is write-only: an empty field keeps the stored one.</summary>
[Authorize]
public sealed class EditModel(ApiClient api) : PageModel
{
    public static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Host { get; set; } = "";
    [BindProperty] public int Port { get; set; } = 5432;
    [BindProperty] public string Database { get; set; } = "";
    [BindProperty] public string Username { get; set; } = "postgres";
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string SslMode { get; set; } = "prefer";
    [BindProperty] public bool Enabled { get; set; } = true;
    public bool HasPassword { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.CanOperate(User)) return StatusCode(403);
        if (Id is { } id)
        {
            if (await api.SourceAsync(id, cancellationToken) is not { } s) return NotFound();
            (Name, Host, Port, Database, Username, SslMode, Enabled, HasPassword) = (s.Name, s.Host, s.Port, s.Database, s.Username, s.SslMode, s.Enabled, s.HasPassword);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            await api.SaveSourceAsync(Id, new
            {
                name = Name, host = Host, port = Port, database = Database, username = Username,
                password = string.IsNullOrEmpty(Password) ? null : Password, sslMode = SslMode, enabled = Enabled,
            }, cancellationToken);
            return Redirect("/sources");
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Errors = problem.FieldErrors.Count > 0 ? problem.FieldErrors : new() { ["form"] = problem.Message };
            return Page();
        }
    }
}
