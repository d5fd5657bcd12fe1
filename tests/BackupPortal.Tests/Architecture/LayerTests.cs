extern alias web;

using System.Reflection;

namespace BackupPortal.Tests.Architecture;

public sealed class LayerTests
{
    private static readonly Assembly Domain = typeof(BackupPortal.Domain.Backups.BackupJob).Assembly;
    private static readonly Assembly Web = typeof(web::BackupPortal.Web.Pages.IndexModel).Assembly;

    [Fact]
    public void Domain_references_no_other_layer_nor_ef_core_nor_aspnet()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("BackupPortal.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Npgsql", StringComparison.Ordinal));
    }

    [Fact]
    public void Web_references_neither_infrastructure_nor_domain_nor_api()
    {
        var references = Web.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain("BackupPortal.Infrastructure", references);
        Assert.DoesNotContain("BackupPortal.Domain", references);
        Assert.DoesNotContain("BackupPortal.Api", references);
    }
}
