using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages;

/// <summary>What a refused or missing page says, with the status code kept.</summary>
public sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int code) => (Title, Explanation) = code switch
    {
        403 => ("Not allowed", "Your role does not allow this. Ask an admin if you need it."),
        404 => ("Not found", "There is nothing here; it may have been removed."),
        401 => ("Signed out", "Sign in again to go on."),
        _ => ("Something went wrong", $"The portal answered {code}."),
    };
}
