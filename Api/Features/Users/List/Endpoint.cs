using BackupPortal.Infrastructure.Identity;
using FastEndpoints;

namespace BackupPortal.Api.Features.Users.List;

public sealed class Endpoint(UserService users) : EndpointWithoutRequest<List<UserInfo>>
{
    public override void Configure()
    {
        Get("users");
        Roles(Role.Admin);
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await users.ListAsync(ct), ct);
}
