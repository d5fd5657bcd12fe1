using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Signing in to the portal through the Api: authorization code with PKCE, the Api's login page, a cookie session.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class PortalLoginTests(ApiFixture fixture) : IAsyncLifetime
{
    private LiveStack _stack = null!;

    public Task InitializeAsync()
    {
        _stack = new LiveStack(fixture);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Admin_signs_in_to_the_portal_and_sees_their_name_and_role()
    {
        using var browser = LiveStack.Browser();
        var discovery = await browser.GetAsync(_stack.ApiUrl + "/.well-known/openid-configuration");
        Assert.True(discovery.IsSuccessStatusCode, $"Discovery: {(int)discovery.StatusCode} {await discovery.Content.ReadAsStringAsync()}");
        var home = await SignInAsync(browser, "admin", ApiFixture.AdminPassword);
        Assert.Contains("Signed in as <strong>admin</strong> with the role <strong>admin</strong>", home);

        // The access token lives 2 minutes, inside the portal's refresh margin: the next page renews it with the refresh token.
        var again = await browser.GetStringAsync(_stack.WebUrl + "/");
        Assert.Contains("Signed in as <strong>admin</strong>", again);
        Assert.True(await fixture.Cluster.ScalarAsync<long>("bp_catalog_live",
            "select count(*) from audit_log where action = 'POST /connect/token' and actor = 'admin' and outcome = 'success' and summary like '%refresh_token%'") >= 1,
            "the portal should have refreshed its access token");

        // Signing out needs the form's antiforgery token, and ends the session.
        var forged = await browser.PostAsync(_stack.WebUrl + "/account/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var fields = HiddenField().Matches(again).DistinctBy(m => m.Groups[1].Value).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var signedOut = await browser.PostAsync(_stack.WebUrl + "/account/signout", new FormUrlEncodedContent(fields));
        Assert.True(signedOut.IsSuccessStatusCode, $"Sign-out ended with {(int)signedOut.StatusCode} at {signedOut.RequestMessage?.RequestUri}");
        Assert.DoesNotContain("Signed in as", await browser.GetStringAsync(_stack.WebUrl + "/"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_repeated_failures_lock_the_account()
    {
        using var admin = await fixture.AuthorizedClientAsync(fixture.Factory);
        var created = await PostAsAdminAsync("/api/v1/users", new { userName = "lockme", password = "Lockme-Pa55word!", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var browser = LiveStack.Browser();
        var forged = await browser.PostAsync(_stack.ApiUrl + "/account/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "lockme", ["password"] = "Lockme-Pa55word!" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var page = await SubmitLoginAsync(browser, "lockme", "wrong-password");
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        }
        var locked = await SubmitLoginAsync(browser, "lockme", "Lockme-Pa55word!");
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_viewer_signs_in_with_the_viewer_role()
    {
        var created = await PostAsAdminAsync("/api/v1/users", new { userName = "vera", password = "Vera-Pa55word!", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var browser = LiveStack.Browser();
        var home = await SignInAsync(browser, "vera", "Vera-Pa55word!");
        Assert.Contains("with the role <strong>viewer</strong>", home);
    }

    private async Task<HttpResponseMessage> PostAsAdminAsync(string path, object body)
    {
        using var admin = LiveStack.Browser();
        var token = await (await admin.PostAsync(_stack.ApiUrl + "/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ApiFixture.ClientId, ["client_secret"] = fixture.ClientSecret,
        }))).Content.ReadFromJsonAsync<Dictionary<string, object>>();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", token!["access_token"].ToString());
        return await admin.PostAsJsonAsync(_stack.ApiUrl + path, body);
    }

    private async Task<string> SignInAsync(HttpClient browser, string user, string password)
    {
        var response = await SubmitLoginAsync(browser, user, password);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode,
            $"Sign-in ended with {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}: {string.Join(" || ", fixture.Logs.Text.Split((char)10).Where(l => l.Contains("Exception:")).TakeLast(3))}");
        Assert.StartsWith(_stack.WebUrl, response.RequestMessage!.RequestUri!.ToString());
        return html;
    }

    /// <summary>Starts at the portal, follows it to the Api's login page, and submits the form with its antiforgery token.</summary>
    private async Task<HttpResponseMessage> SubmitLoginAsync(HttpClient browser, string user, string password)
    {
        var login = await browser.GetAsync(_stack.WebUrl + "/account/signin");
        var form = await login.Content.ReadAsStringAsync();
        Assert.True(login.RequestMessage!.RequestUri!.AbsolutePath == "/account/login", $"Expected the Api's login page, got {login.RequestMessage.RequestUri}: {string.Join(" || ", fixture.Logs.Text.Split((char)10).Where(l => l.Contains("Exception:") || l.Contains("IDX")).Take(8))}");
        var fields = HiddenField().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["userName"] = user;
        fields["password"] = password;
        return await browser.PostAsync(_stack.ApiUrl + "/account/login", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("<input(?=[^>]*type=\"hidden\")[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
