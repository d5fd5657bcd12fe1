namespace BackupPortal.Infrastructure.Alerts;

/// <summary>The <c>Alerts</c> section.</summary>
public sealed class AlertOptions
{
    /// <summary>Evaluate rules and deliver notices in this instance.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First wait before a failed delivery is tried again; it doubles up to <see cref="RetryMax"/>, without end.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The <c>Smtp</c> section: the mail server email channels use unless a channel names its own.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary><c>none</c>, <c>starttls</c>, <c>tls</c> or <c>auto</c>.</summary>
    public string Security { get; set; } = "auto";

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "backupportal@localhost";
}
