using BackupPortal.Infrastructure.Audit;
using FastEndpoints;

namespace BackupPortal.Api.Features.Audit.Verify;

public sealed class Endpoint(AuditService audit) : EndpointWithoutRequest<ChainVerification>
{
    public override void Configure()
    {
        Get("audit/verify");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Recomputes the audit hash chain: valid, rows checked, and the first broken row.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await audit.VerifyAsync(ct), ct);
}
