using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Crypto;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>Sends one notice to one channel; throws with the receiver's answer when it was not accepted.</summary>
public sealed class AlertSenders(IHttpClientFactory http, SecretProtector secrets, IOptions<SmtpOptions> smtp)
{
    public const string SignatureHeader = "X-BackupPortal-Signature";

    public Task<string> SendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken) => channel.Type switch
    {
        ChannelType.Webhook => PostAsync(channel, notice, cancellationToken),
        _ => MailAsync(channel, notice, cancellationToken),
    };

    /// <summary>JSON body, signed with HMAC-SHA256 under the channel's secret: <c>X-BackupPortal-Signature: sha256=&lt;hex&gt;</c>.</summary>
    private async Task<string> PostAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(channel.SlackCompatible ? notice with { Text = $"*{notice.Title}*\n{notice.Message}" } : notice, AlertNotice.Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (channel.SecretEncrypted is { } secret)
            request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secrets.Unprotect(secret)), body)));
        using var response = await http.CreateClient("alerts").SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        return $"HTTP {(int)response.StatusCode}";
    }

    private async Task<string> MailAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        var settings = smtp.Value;
        var host = channel.SmtpHost ?? settings.Host ?? throw new InvalidOperationException("No SMTP server: set the channel's smtpHost or Smtp__Host.");
        var message = new MimeMessage { Subject = notice.Subject };
        message.From.Add(MailboxAddress.Parse(channel.From ?? settings.From));
        foreach (var to in channel.To) message.To.Add(MailboxAddress.Parse(to));
        message.Body = new BodyBuilder
        {
            TextBody = notice.PlainText,
            HtmlBody = $"<h2>{WebUtility.HtmlEncode(notice.Title)}</h2><p>{WebUtility.HtmlEncode(notice.Message)}</p><pre>{WebUtility.HtmlEncode(notice.PlainText)}</pre>"
                + (notice.Link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(notice.Link)}\">Open in BackupPortal</a></p>"),
        }.ToMessageBody();

        using var client = new SmtpClient { Timeout = 15_000 };
        var security = (channel.SmtpSecurity ?? settings.Security) switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        await client.ConnectAsync(host, channel.SmtpPort ?? settings.Port, security, cancellationToken);
        var username = channel.SmtpUsername ?? settings.Username;
        var password = channel.SmtpPasswordEncrypted is { } encrypted ? secrets.Unprotect(encrypted) : settings.Password;
        if (username is not null) await client.AuthenticateAsync(username, password ?? "", cancellationToken);
        var answer = await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        return answer;
    }
}
