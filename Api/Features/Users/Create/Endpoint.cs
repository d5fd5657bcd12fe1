using BackupPortal.Infrastructure.Identity;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Users.Create;

public sealed class Request
{
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string Role { get; set; } = "viewer";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.UserName).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Password).NotEmpty();
            RuleFor(r => r.Role).ValidRole();
        }
    }
}

public sealed class Endpoint(UserService users) : Endpoint<Request, UserInfo>
{
    public override void Configure()
    {
        Post("users");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.ResponseAsync(await users.CreateAsync(req.UserName.Trim(), req.Password, req.Role, ct), 201, ct);
}
