using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace OpenVerify.Server.OpenApi;

/// <summary>
/// The OpenAPI document at <c>GET /openapi/v1.json</c>: every mapped route, its form and query
/// parameters (<see cref="ApiForms"/>), its response shapes, and the Twilio error body
/// <c>{code, message, more_info, status}</c> that every failure has.
/// </summary>
internal static class OpenApiHosting
{
    public const string DocumentPath = "/openapi/{documentName}.json";

    private const string ErrorSchema = "TwilioError";

    private static readonly Dictionary<string, string> SignedResponses = new()
    {
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Factors/{sid}"] = "FactorResource",
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges/{sid}"] = "ChallengeResource",
    };

    public static IServiceCollection AddOpenVerifyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        }));

    public static void MapOpenVerifyOpenApi(this IEndpointRouteBuilder app) => app.MapOpenApi(DocumentPath);

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "OpenVerify",
            Version = "v1",
            Description = "Twilio Verify v2 Push API (and push credentials under /v1). Backends authenticate with HTTP Basic "
                + "(AC…:auth token or SK…:secret); devices with an enrolment access token (factor creation) or an ES256 device JWT.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ErrorSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Every error: Twilio's numeric code (e.g. 20404, 60200), a message, a link and the HTTP status",
            Required = new HashSet<string> { "code", "message", "more_info", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Examples = [JsonValue.Create(20404)] },
                ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["more_info"] = new OpenApiSchema { Type = JsonSchemaType.String, Examples = [JsonValue.Create("https://www.twilio.com/docs/errors/20404")] },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Examples = [JsonValue.Create(404)] },
            },
        };
        var error = new OpenApiSchemaReference(ErrorSchema, document);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var key = method.Method.ToUpperInvariant() + " " + path;
                if (ApiForms.Bodies.TryGetValue(key, out var body))
                {
                    operation.RequestBody = FormBody(body);
                }

                if (ApiForms.Queries.TryGetValue(key, out var query))
                {
                    operation.Parameters ??= [];
                    foreach (var field in query)
                    {
                        operation.Parameters.Add(new OpenApiParameter { Name = field.Name, In = ParameterLocation.Query, Description = field.Description, Schema = Scalar(field.Type) });
                    }
                }

                operation.Responses ??= new OpenApiResponses();
                if (SignedResponses.TryGetValue(key, out var signed))
                {
                    // These handlers sign their JSON body (a header over the exact bytes), so they write it themselves.
                    operation.Responses["200"] = new OpenApiResponse
                    {
                        Description = "OK",
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(signed, document) } },
                    };
                }

                if (path.StartsWith("/healthz", StringComparison.Ordinal))
                {
                    if (path != "/healthz/live")
                    {
                        operation.Responses["503"] = ErrorResponse(error, "Not ready (20503): the failed checks are named in message");
                    }

                    continue;
                }

                if (method == HttpMethod.Post)
                {
                    operation.Responses["400"] = ErrorResponse(error, "Invalid or missing parameter (e.g. 20001, 60200)");
                }

                operation.Responses["401"] = ErrorResponse(error, "Not authenticated (20003); carries the server's Date so devices can correct their clock");
                operation.Responses["404"] = ErrorResponse(error, "Not found (20404), including another account's resources");
                operation.Responses["429"] = ErrorResponse(error, "Too many requests (20429 or 60xxx); Retry-After says when to try again");
                operation.Responses["503"] = ErrorResponse(error, "The database cannot be reached (20503); try again");
                operation.Responses["default"] = ErrorResponse(error, "Any other refusal, with its Twilio code (e.g. 60315, 60322, 60323, 60324)");
            }
        }
    }

    private static OpenApiRequestBody FormBody(FormField[] fields) => new()
    {
        Required = fields.Any(f => f.Required),
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/x-www-form-urlencoded"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)Scalar(f.Type, f.Description)),
                    Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
                },
            },
        },
    };

    private static OpenApiSchema Scalar(string type, string? description = null) => new()
    {
        Type = type switch
        {
            "integer" => JsonSchemaType.Integer,
            "boolean" => JsonSchemaType.Boolean,
            _ => JsonSchemaType.String,
        },
        Description = description,
    };

    private static OpenApiResponse ErrorResponse(IOpenApiSchema error, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = error } },
    };
}
