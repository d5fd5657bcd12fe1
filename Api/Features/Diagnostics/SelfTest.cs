using BackupPortal.Api.Auth;
using BackupPortal.Infrastructure.Monitoring;
using FastEndpoints;

namespace BackupPortal.Api.Features.Diagnostics;

public sealed class SelfTestRequest
{
    /// <summary>Sources to test; all enabled sources when absent.</summary>
    public List<Guid>? SourceIds { get; set; }
}

public sealed class SelfTestEndpoint(SelfTest selfTest) : Endpoint<SelfTestRequest, SelfTestReport>
{
    public override void Configure()
    {
        Post("system/self-test");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Post-deployment validation: schedules active with a next run; per source a schema-only backup, its verification and a restore into a scratch database (dropped again); a test message through every channel. Answers with each step's outcome and time.");
    }

    public override async Task HandleAsync(SelfTestRequest req, CancellationToken ct) =>
        await Send.OkAsync(await selfTest.RunAsync(req.SourceIds, User.Actor(), ct), ct);
}
