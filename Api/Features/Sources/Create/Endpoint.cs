using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Create;

public sealed class Request : SourceRequest
{
    public sealed class Validator : SourceRequestValidator<Request>;
}

public sealed class Endpoint(SourceService sources) : Endpoint<Request, SourceResponse>
{
    public override void Configure()
    {
        Post("sources");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(409));
        Summary(s => s.Summary = "Registers a database to protect. The password is stored encrypted and never returned.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var source = await sources.CreateAsync(req.ToInput(), ct);
        await Send.CreatedAtAsync<Get.Endpoint>(new { id = source.Id }, SourceResponse.From(source, null), cancellation: ct);
    }
}
