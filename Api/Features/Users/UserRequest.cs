using FluentValidation;

namespace BackupPortal.Api.Features.Users;

public static class UserRules
{
    public static IRuleBuilderOptions<T, string> ValidRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(Role.IsValid).WithMessage($"role must be one of: {string.Join(", ", Role.All)}.");
}
