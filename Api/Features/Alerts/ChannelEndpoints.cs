using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Alerts;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Alerts;

public sealed class ChannelRequest
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string? Url { get; set; }

    /// <summary>Webhook only: the HMAC-SHA256 key of the signature header. Write-only.</summary>
    public string? Secret { get; set; }

    public bool SlackCompatible { get; set; }
    public List<string>? To { get; set; }
    public string? From { get; set; }
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public string? SmtpSecurity { get; set; }
    public string? SmtpUsername { get; set; }
    public string? SmtpPassword { get; set; }

    public ChannelInput ToInput() => new(Name.Trim(), Enums.ParseOrNull<ChannelType>(Type)!.Value, Enabled, Url, Secret, SlackCompatible, To ?? [], From,
        SmtpHost, SmtpPort, SmtpSecurity, SmtpUsername, SmtpPassword == Sources.SourceResponse.Mask ? null : SmtpPassword);

    public sealed class Validator : Validator<ChannelRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Type).Must(t => Enums.TryParse<ChannelType>(t, out _)).WithMessage(r => $"type '{r.Type}' is unknown; use webhook or email.");
            RuleFor(r => r.Url).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https").When(r => r.Type == "webhook")
                .WithMessage("url is required for a webhook: an absolute http(s) address.");
            RuleFor(r => r.To).NotEmpty().When(r => r.Type == "email").WithMessage("to is required for an email channel: one or more addresses.");
            RuleForEach(r => r.To).EmailAddress().When(r => r.Type == "email");
            RuleFor(r => r.SmtpSecurity).Must(s => s is null or "none" or "starttls" or "tls" or "auto").WithMessage("smtpSecurity must be none, starttls, tls or auto.");
            RuleFor(r => r.SmtpPort).InclusiveBetween(1, 65535).When(r => r.SmtpPort is not null);
        }
    }
}

/// <summary>A channel as the API shows it: secrets never leave, only whether one is stored.</summary>
public sealed record ChannelResponse(
    Guid Id, string Name, ChannelType Type, bool Enabled, string? Url, bool HasSecret, bool SlackCompatible, List<string> To, string? From,
    string? SmtpHost, int? SmtpPort, string? SmtpSecurity, string? SmtpUsername, string? SmtpPassword, DateTimeOffset CreatedAt)
{
    public static ChannelResponse Of(AlertChannel c) => new(c.Id, c.Name, c.Type, c.Enabled, c.Url, c.SecretEncrypted is not null, c.SlackCompatible,
        c.To, c.From, c.SmtpHost, c.SmtpPort, c.SmtpSecurity, c.SmtpUsername, c.SmtpPasswordEncrypted is null ? null : Sources.SourceResponse.Mask, c.CreatedAt);
}

public sealed record DeliveryResponse(
    Guid Id, Guid? AlertId, Guid ChannelId, string Event, DeliveryStatus Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, List<DeliveryAttempt> History)
{
    public static DeliveryResponse From(AlertDelivery d) => new(d.Id, d.AlertId, d.ChannelId, d.Event, d.Status, d.Attempts, d.NextAttemptAt, d.LastError, d.CreatedAt, d.SentAt, d.History);
}

public sealed class ListChannels(AlertService alerts) : EndpointWithoutRequest<List<ChannelResponse>>
{
    public override void Configure()
    {
        Get("alert-channels");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Where alerts go: webhooks (signed JSON, optionally Slack-compatible) and email.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync([.. (await alerts.ChannelsAsync(ct)).Select(ChannelResponse.Of)], ct);
}

public sealed class CreateChannel(AlertService alerts) : Endpoint<ChannelRequest, ChannelResponse>
{
    public override void Configure()
    {
        Post("alert-channels");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(409));
        Summary(s => s.Summary = "Adds a channel. Every rule's alerts reach it unless a rule names its channels.");
    }

    public override async Task HandleAsync(ChannelRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(ChannelResponse.Of(await alerts.SaveChannelAsync(null, req.ToInput(), ct)), 201, ct);
}

public sealed class UpdateChannel(AlertService alerts) : Endpoint<ChannelRequest, ChannelResponse>
{
    public override void Configure()
    {
        Put("alert-channels/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404).Produces(409));
        Summary(s => s.Summary = "Changes a channel; a null secret or smtpPassword keeps the stored one.");
    }

    public override async Task HandleAsync(ChannelRequest req, CancellationToken ct) =>
        await Send.OkAsync(ChannelResponse.Of(await alerts.SaveChannelAsync(req.Id, req.ToInput(), ct)), ct);
}

public sealed class DeleteChannel(AlertService alerts) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("alert-channels/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(204).Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await alerts.DeleteChannelAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed class TestChannel(AlertService alerts) : Endpoint<IdRequest, DeliveryResponse>
{
    public override void Configure()
    {
        Post("alert-channels/{id:guid}/test");
        Roles(Role.Admin);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Queues a test message to the channel; follow it with GET alert-channels/{id}/deliveries.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(DeliveryResponse.From(await alerts.QueueTestAsync(req.Id, ct)), 202, ct);
}

public sealed class ChannelDeliveries(AlertService alerts) : Endpoint<IdRequest, List<DeliveryResponse>>
{
    public override void Configure()
    {
        Get("alert-channels/{id:guid}/deliveries");
        Roles(Role.Admin);
        Summary(s => s.Summary = "The channel's newest 200 notices with every delivery attempt.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync([.. (await alerts.DeliveriesAsync(null, req.Id, ct)).Select(DeliveryResponse.From)], ct);
}
