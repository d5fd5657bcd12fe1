using BackupPortal.Domain.Common;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Sources;
using FluentValidation;

namespace BackupPortal.Api.Features.Sources;

/// <summary>The body of create and update. On update a missing or masked password keeps the stored one.</summary>
public class SourceRequest
{
    public string Name { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 5432;
    public string Database { get; set; } = "";
    public string Username { get; set; } = "";
    public string? Password { get; set; }
    public string SslMode { get; set; } = "prefer";
    public bool Enabled { get; set; } = true;

    public SourceInput ToInput() => new(Name.Trim(), Host.Trim(), Port, Database, Username, Password == SourceResponse.Mask ? null : Password, SslMode, Enabled);
}

public abstract class SourceRequestValidator<T> : FastEndpoints.Validator<T> where T : SourceRequest
{
    protected SourceRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100).Matches("^[A-Za-z0-9_.-]+$")
            .WithMessage("name may hold letters, digits, '.', '_' and '-' only.");
        RuleFor(r => r.Host).NotEmpty().MaximumLength(255);
        RuleFor(r => r.Port).InclusiveBetween(1, 65535);
        RuleFor(r => r.Database).NotEmpty().MaximumLength(63);
        RuleFor(r => r.Username).NotEmpty().MaximumLength(63);
        RuleFor(r => r.SslMode).Must(m => Source.SslModes.Contains(m))
            .WithMessage($"sslMode must be one of: {string.Join(", ", Source.SslModes)}.");
    }
}
