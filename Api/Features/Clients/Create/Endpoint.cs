using BackupPortal.Api.Features.Users;
using BackupPortal.Infrastructure.Identity;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Clients.Create;

public sealed class Request
{
    public string ClientId { get; set; } = "";
    public string? DisplayName { get; set; }
    public string Role { get; set; } = "viewer";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.ClientId).NotEmpty().MaximumLength(100).Matches("^[A-Za-z0-9_.-]+$")
                .WithMessage("clientId may hold letters, digits, '.', '_' and '-' only.");
            RuleFor(r => r.Role).ValidRole();
        }
    }
}

public sealed class Endpoint(ClientService clients) : Endpoint<Request, CreatedClient>
{
    public override void Configure()
    {
        Post("clients");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(409));
        Summary(s => s.Summary = "Creates a script client; the response carries its secret, shown this once.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.ResponseAsync(await clients.CreateAsync(req.ClientId, req.DisplayName, req.Role, ct), 201, ct);
}
