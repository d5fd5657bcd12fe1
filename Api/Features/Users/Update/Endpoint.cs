using BackupPortal.Infrastructure.Identity;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Users.Update;

/// <summary>Changes a user's role and, when given, their password (which also lifts a lockout).</summary>
public sealed class Request
{
    public Guid Id { get; set; }
    public string? Password { get; set; }
    public string Role { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Role).ValidRole();
    }
}

public sealed class Endpoint(UserService users) : Endpoint<Request, UserInfo>
{
    public override void Configure()
    {
        Put("users/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404).Produces(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await users.UpdateAsync(req.Id, string.IsNullOrEmpty(req.Password) ? null : req.Password, req.Role, ct), ct);
}
