using Microsoft.AspNetCore.Http;
using OpenVerify.Server.Auth;

namespace OpenVerify.Server.Hosting;

/// <summary>
/// A guard on the whole API group: a handler that does not bind a <see cref="Caller"/> is still
/// authenticated, so no endpoint is public by omission.
/// </summary>
internal sealed class AuthenticationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        await Caller.BindAsync(context.HttpContext);
        return await next(context);
    }
}
