using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Live;

/// <summary>The next five runs of a draft cron expression, or the Api's reason it is not valid; the schedule form fetches it as you type.</summary>
[Authorize]
public sealed class CronModel(ApiClient api) : PageModel
{
    public CronPreview? Preview { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(string? cronExpression, string? timeZone, CancellationToken cancellationToken)
    {
        try
        {
            Preview = await api.PreviewCronAsync(cronExpression ?? "", timeZone ?? "UTC", cancellationToken);
        }
        catch (ApiProblem problem)
        {
            Error = problem.FieldErrors.Values.FirstOrDefault() ?? problem.Message;
        }
    }
}
