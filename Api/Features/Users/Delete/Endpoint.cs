using BackupPortal.Infrastructure.Identity;
using FastEndpoints;

namespace BackupPortal.Api.Features.Users.Delete;

public sealed class Endpoint(UserService users) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("users/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(404).Produces(409));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await users.DeleteAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}
