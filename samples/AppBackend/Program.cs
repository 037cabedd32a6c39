using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using OpenVerify.AppBackend;

// "Your app backend": settings from AppBackend__* environment variables or --AppBackend:* arguments
// (OpenVerifyUrl, AccountSid, AuthToken, ServiceSid, PublicUrl); see README.md.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAppBackend(builder.Configuration.GetSection(AppBackendOptions.Section));
var app = builder.Build();
app.MapAppBackend();
await app.StartAsync();
await app.RegisterWebhookAsync();
await app.WaitForShutdownAsync();
