namespace BackupPortal.Domain.Common;

/// <summary>A request the domain refuses; maps to a 4xx problem+json naming the field.</summary>
public class DomainException(string message, string? field = null, int statusCode = 422) : Exception(message)
{
    public string? Field { get; } = field;
    public int StatusCode { get; } = statusCode;
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();
}

public sealed class NotFoundException(string what, object id)
    : DomainException($"{what} '{id}' was not found.", null, 404);

public sealed class ConflictException(string message, string? field = null)
    : DomainException(message, field, 409);
