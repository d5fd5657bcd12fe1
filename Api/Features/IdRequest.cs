namespace BackupPortal.Api.Features;

/// <summary>The request of every endpoint that needs nothing but the <c>{id}</c> in its route.</summary>
public sealed class IdRequest
{
    public Guid Id { get; set; }
}
