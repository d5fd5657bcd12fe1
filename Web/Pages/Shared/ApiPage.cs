using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Shared;

/// <summary>A page whose buttons act through the Api; the Api decides who may, and its answer becomes the page's.</summary>
public abstract class ApiPage : PageModel
{
    [TempData] public string? Error { get; set; }
    [TempData] public string? Message { get; set; }

    /// <summary>
    /// Runs an action. A refused user (401/403) gets the same status back; any other refusal is shown on the page
    /// <paramref name="then"/> leads to, and so is <paramref name="done"/> after a success.
    /// </summary>
    protected async Task<IActionResult> ActAsync(Func<Task> act, Func<IActionResult> then, string? done = null)
    {
        try
        {
            await act();
            if (done is not null) Message = done;
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
        return then();
    }
}
