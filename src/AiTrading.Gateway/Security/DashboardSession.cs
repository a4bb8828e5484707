using System.Globalization;
using AiTrading.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Security;

/// <summary>
/// How a browser reaches the dashboard, which cannot send a bearer header: the operator posts an admin token to
/// <see cref="LoginPath"/> once, and the gateway keeps it in an HttpOnly, SameSite=Strict cookie scoped to
/// <see cref="Path"/>, which the bearer handler reads for dashboard paths only. The token is checked by the same
/// bearer validation as a header, never put in a URL, and never written back. Scripts keep sending the header.
/// </summary>
public static class DashboardSession
{
    public const string Path = "/dashboard";
    public const string LoginPath = Path + "/login";
    public const string LogoutPath = Path + "/logout";
    public const string CookieName = "aitrading-dashboard";
    public const string TokenField = "token";
    /// <summary>A login form is one token; anything larger is refused unread.</summary>
    public const int MaxFormBytes = 16 * 1024;
    /// <summary>Browsers drop cookies over about 4 KB: a longer token could not keep the session.</summary>
    public const int MaxTokenLength = 3800;

    /// <summary>The bearer handler's events: the token from the login form or the session cookie, and a browser sent to the login page.</summary>
    internal static JwtBearerEvents BearerEvents() => new()
    {
        OnMessageReceived = ReadTokenAsync,
        OnChallenge = context =>
        {
            if (IsBrowserPage(context.Request))
            {
                context.HandleResponse();
                context.Response.Redirect($"{context.Request.PathBase}{LoginPath}");
            }
            return Task.CompletedTask;
        },
    };

    private static async Task ReadTokenAsync(MessageReceivedContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Path)) return;
        if (IsLogin(request))
        {
            // The login signs in with the posted token alone, never a header's, so the cookie holds what was checked.
            if (await PostedTokenAsync(request) is { } token) context.Token = token;
            else context.NoResult();
            return;
        }
        if (request.Headers.Authorization.Count == 0 && request.Cookies[CookieName] is { Length: > 0 } cookie) context.Token = cookie;
    }

    private static bool IsLogin(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>A browser asking for a page (not the data API, whose calls accept anything): it is sent to the login page.</summary>
    private static bool IsBrowserPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(Path) && !request.Path.StartsWithSegments(LoginPath)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The form's one token field; null when the body is not a small form or holds no single token.</summary>
    private static async Task<string?> PostedTokenAsync(HttpRequest request)
    {
        if (!request.HasFormContentType || request.ContentLength is not (>= 0 and <= MaxFormBytes)) return null;
        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form[TokenField] is [{ } token] && !string.IsNullOrWhiteSpace(token) ? token.Trim() : null;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    internal static void MapDashboardSession(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, LoginPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, LogInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LogoutPath, LogOut).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult LoginPage(HttpContext http)
    {
        NoStore(http.Response);
        return Results.Content(LoginForm, "text/html; charset=utf-8");
    }

    private static async Task LogInAsync(HttpContext http, IAuthorizationService authorization, RefusalAudit audit)
    {
        var request = http.Request;
        NoStore(http.Response);
        if (!request.HasFormContentType)
        {
            await Refuse(http, StatusCodes.Status415UnsupportedMediaType, $"send the token as the form field '{TokenField}' (application/x-www-form-urlencoded)");
            return;
        }
        if (request.ContentLength is not (>= 0 and <= MaxFormBytes))
        {
            await Refuse(http, request.ContentLength is null ? StatusCodes.Status411LengthRequired : StatusCodes.Status413PayloadTooLarge,
                $"the login form must state its length and be at most {MaxFormBytes} bytes");
            return;
        }
        if (await PostedTokenAsync(request) is not { } token)
        {
            await ErrorMapping.WriteProblemAsync(http, new ValidationException(TokenField, "is required: one admin token (aitrading token --role admin --no-save)"));
            return;
        }
        if (token.Length > MaxTokenLength)
        {
            await ErrorMapping.WriteProblemAsync(http, new ValidationException(TokenField,
                $"is longer than {MaxTokenLength} characters, more than a browser keeps in a cookie; send it as a bearer header instead"));
            return;
        }
        if (http.User.Identity?.IsAuthenticated != true)
        {
            var reason = await AuditingAuthorizationResultHandler.ChallengeReasonAsync(http);
            audit.Refused(http, StatusCodes.Status401Unauthorized, reason);
            http.Response.Headers.WWWAuthenticate = JwtBearerDefaults.AuthenticationScheme;
            await Refuse(http, StatusCodes.Status401Unauthorized, $"{reason}; sign in with a valid admin token");
            return;
        }
        if (!(await authorization.AuthorizeAsync(http.User, Policies.Admin)).Succeeded)
        {
            audit.Refused(http, StatusCodes.Status403Forbidden, $"needs the role {Roles.Admin} (policy {Policies.Admin})");
            await Refuse(http, StatusCodes.Status403Forbidden, $"the dashboard is for the {Roles.Admin} role");
            return;
        }
        http.Response.Cookies.Append(CookieName, token, CookieFor(request, ExpiryOf(http)));
        SeeOther(http, $"{request.PathBase}{Path}/");
    }

    private static void LogOut(HttpContext http)
    {
        NoStore(http.Response);
        http.Response.Cookies.Delete(CookieName, CookieFor(http.Request, expires: null));
        SeeOther(http, $"{http.Request.PathBase}{LoginPath}");
    }

    private static CookieOptions CookieFor(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = $"{request.PathBase}{Path}",
        Expires = expires,
        IsEssential = true,
    };

    /// <summary>The cookie ends with the token (its "exp" claim), so a browser does not keep a dead one.</summary>
    private static DateTimeOffset? ExpiryOf(HttpContext http) =>
        long.TryParse(http.User.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static void SeeOther(HttpContext http, string location)
    {
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = location;
    }

    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
    }

    private static Task Refuse(HttpContext http, int status, string message) => ErrorMapping.WriteProblemAsync(http, new RequestRefusedException(status, message));

    private const string LoginForm = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>AiTrading dashboard: sign in</title>
        <style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto}input{width:100%;margin:.5rem 0}</style></head>
        <body>
        <h1>AiTrading dashboard</h1>
        <p>The Orleans dashboard is for the admin role. Paste an admin token (<code>aitrading token --role admin --no-save</code>,
        or one from your identity provider); the gateway checks it and keeps it in a cookie for this page only.</p>
        <form method="post" action="login">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="off" required>
        <button type="submit">Sign in</button>
        </form>
        </body>
        </html>
        """;
}
