using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Storage;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Storage;

/// <summary>The body of create and update. On update a missing or masked secret keeps the stored one.</summary>
public sealed class LocationRequest
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Path { get; set; }
    public string? Endpoint { get; set; }
    public string? Region { get; set; }
    public string? Bucket { get; set; }
    public string? Prefix { get; set; }
    public string? AccessKeyId { get; set; }

    /// <summary>Write-only: stored encrypted, returned masked.</summary>
    public string? SecretAccessKey { get; set; }

    public bool ForcePathStyle { get; set; }

    public LocationInput ToInput() => new(Name.Trim(), Enums.ParseOrNull<StorageType>(Type)!.Value, Path, Endpoint, Region, Bucket, Prefix,
        AccessKeyId, SecretAccessKey == Sources.SourceResponse.Mask ? null : SecretAccessKey, ForcePathStyle);

    public sealed class Validator : Validator<LocationRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(100).Matches("^[A-Za-z0-9_.-]+$").WithMessage("name may hold letters, digits, '.', '_' and '-' only.");
            RuleFor(r => r.Type).Must(t => Enums.TryParse<StorageType>(t, out _)).WithMessage(r => $"type '{r.Type}' is unknown; use local or s3.");
            RuleFor(r => r.Path).Must(p => System.IO.Path.IsPathFullyQualified(p ?? "")).When(r => r.Type == "local")
                .WithMessage("path is required for a local location: an absolute directory.");
            RuleFor(r => r.Bucket).NotEmpty().Matches("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$").When(r => r.Type == "s3")
                .WithMessage("bucket is required for an s3 location: 3 to 63 lowercase letters, digits, '.' and '-'.");
            RuleFor(r => r.Endpoint).Must(e => Uri.TryCreate(e, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                .When(r => r.Type == "s3" && !string.IsNullOrEmpty(r.Endpoint)).WithMessage("endpoint must be an absolute http(s) URL, or empty for AWS itself.");
            RuleFor(r => r.Region).NotEmpty().When(r => r.Type == "s3" && string.IsNullOrEmpty(r.Endpoint))
                .WithMessage("region is required when no endpoint is given (AWS S3).");
            RuleFor(r => r.SecretAccessKey).NotEmpty().When(r => r.Type == "s3" && !string.IsNullOrEmpty(r.AccessKeyId) && r.Id == Guid.Empty)
                .WithMessage("secretAccessKey is required with accessKeyId.");
        }
    }
}

/// <summary>A location as the API shows it, with what the catalog says it holds; the secret is never returned.</summary>
public sealed record LocationResponse(
    Guid Id, string Name, StorageType Type, bool IsDefault, string? Path, string? Endpoint, string? Region, string? Bucket, string? Prefix,
    bool ForcePathStyle, string? AccessKeyId, string? SecretAccessKey, string Description, long UsedBytes, long? FreeBytes, long? TotalBytes,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static LocationResponse From(LocationState state)
    {
        var l = state.Location;
        return new(l.Id, l.Name, l.Type, l.IsDefault, l.Path, l.Endpoint, l.Region, l.Bucket, l.Prefix, l.ForcePathStyle, l.AccessKeyId,
            l.SecretAccessKeyEncrypted is null ? null : Sources.SourceResponse.Mask, l.Describe(), state.UsedBytes, state.Space?.FreeBytes,
            state.Space?.TotalBytes, l.CreatedAt, l.UpdatedAt);
    }
}

public sealed class ListLocations(StorageService storage) : EndpointWithoutRequest<List<LocationResponse>>
{
    public override void Configure()
    {
        Get("storage");
        Roles(Role.All);
        Summary(s => s.Summary = "Storage locations with what each holds; the directory of BACKUP_STORAGE_PATH is the one named default.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync([.. (await storage.ListAsync(ct)).Select(LocationResponse.From)], ct);
}

public sealed class GetLocation(StorageService storage) : Endpoint<IdRequest, LocationResponse>
{
    public override void Configure()
    {
        Get("storage/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) => await Send.OkAsync(LocationResponse.From(await storage.GetAsync(req.Id, ct)), ct);
}

public sealed class CreateLocation(StorageService storage) : Endpoint<LocationRequest, LocationResponse>
{
    public override void Configure()
    {
        Post("storage");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(409));
        Summary(s => s.Summary = "Adds a local directory or an S3-compatible bucket (endpoint, region, bucket, prefix, path-style, keys). The secret key is stored encrypted.");
    }

    public override async Task HandleAsync(LocationRequest req, CancellationToken ct)
    {
        var location = await storage.CreateAsync(req.ToInput(), ct);
        await Send.CreatedAtAsync<GetLocation>(new { id = location.Id }, LocationResponse.From(await storage.GetAsync(location.Id, ct)), cancellation: ct);
    }
}

public sealed class UpdateLocation(StorageService storage) : Endpoint<LocationRequest, LocationResponse>
{
    public override void Configure()
    {
        Put("storage/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404).Produces(409));
        Summary(s => s.Summary = "Changes a location; existing copies are expected where the new settings point. The default location follows BACKUP_STORAGE_PATH only.");
    }

    public override async Task HandleAsync(LocationRequest req, CancellationToken ct)
    {
        await storage.UpdateAsync(req.Id, req.ToInput(), ct);
        await Send.OkAsync(LocationResponse.From(await storage.GetAsync(req.Id, ct)), ct);
    }
}

public sealed class DeleteLocation(StorageService storage) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("storage/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(204).Produces(404).Produces(409));
        Summary(s => s.Summary = "Removes a location no storage policy names and that holds no copy.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await storage.DeleteAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed class TestLocation(StorageService storage) : Endpoint<IdRequest, LocationTest>
{
    public override void Configure()
    {
        Post("storage/{id:guid}/test");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Writes, reads back and deletes a probe object, then reports the bytes and objects stored there and the free space (directories only).");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) => await Send.OkAsync(await storage.TestAsync(req.Id, ct), ct);
}

public sealed class PolicyRequest
{
    public Guid Id { get; set; }
    public List<Guid>? LocationIds { get; set; }

    public sealed class Validator : Validator<PolicyRequest>
    {
        public Validator() => RuleFor(r => r.LocationIds).NotNull().WithMessage("locationIds is required: the locations in the order reads try them ([] for the default location).");
    }
}

public sealed class SetPolicy(StorageService storage, Infrastructure.Drills.DrillService drills) : Endpoint<PolicyRequest, Sources.SourceResponse>
{
    public override void Configure()
    {
        Put("sources/{id:guid}/storage-policy");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(404));
        Summary(s => s.Summary = "Where the source's backups and WAL go: every location listed gets a copy in the same pass; reads try them in this order.");
    }

    public override async Task HandleAsync(PolicyRequest req, CancellationToken ct) =>
        await Send.OkAsync(await Sources.SourceResponse.LoadAsync(await storage.SetPolicyAsync(req.Id, req.LocationIds!, ct), drills, ct), ct);
}

public sealed class ReindexLocation(Reindexer reindexer) : Endpoint<IdRequest, ReindexResult>
{
    public override void Configure()
    {
        Post("storage/{id:guid}/reindex");
        Roles(Role.Admin);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Rebuilds the catalog from what the location holds: rotated keys, a backup per manifest (completed only once its size and SHA-256 check out, then verified again by the worker), and WAL archive entries. Unknown sources are matched by name or re-created, disabled, without a password. Reads every artifact whole; for large storage run the Api with --reindex instead.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) => await Send.OkAsync(await reindexer.RunAsync(req.Id, ct), ct);
}
