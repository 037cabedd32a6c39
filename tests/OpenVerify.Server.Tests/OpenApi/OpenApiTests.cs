using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.OpenApi;

namespace OpenVerify.Server.Tests.OpenApi;

/// <summary><c>GET /openapi/v1.json</c> describes exactly the routes that are mapped, with their form parameters and Twilio error bodies.</summary>
public sealed class OpenApiTests
{
    private static readonly string[] Methods = ["get", "post", "delete", "put", "patch"];

    [Fact]
    public async Task The_document_paths_are_exactly_the_mapped_routes()
    {
        await using var api = await TestApi.StartAsync();
        var document = await DocumentAsync(api);

        var mapped = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(o => Methods.Contains(o.Key)).Select(o => $"{o.Key.ToUpperInvariant()} {Normalise(p.Key)}"))
            .ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.Equal(mapped.Order(), documented.Order());
        Assert.Contains("POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges", documented);
        Assert.Contains("GET /healthz/ready", documented);
    }

    [Fact]
    public async Task Every_described_form_belongs_to_a_documented_operation_and_shows_in_it()
    {
        await using var api = await TestApi.StartAsync();
        var paths = (await DocumentAsync(api))["paths"]!.AsObject();
        foreach (var (key, fields) in ApiForms.Bodies)
        {
            var body = Operation(paths, key)["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!["schema"]!;
            Assert.Equal(fields.Select(f => f.Name), body["properties"]!.AsObject().Select(p => p.Key));
            Assert.Equal(fields.Where(f => f.Required).Select(f => f.Name).Order(), (body["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? []).Order());
        }

        foreach (var (key, fields) in ApiForms.Queries)
        {
            var query = Operation(paths, key)["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>());
            Assert.Equal(fields.Select(f => f.Name), query);
        }

        var create = Operation(paths, "POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges");
        Assert.Contains("FactorSid", create["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!["schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Errors_are_described_as_the_twilio_error_body()
    {
        await using var api = await TestApi.StartAsync();
        var document = await DocumentAsync(api);
        var error = document["components"]!["schemas"]!["TwilioError"]!;
        Assert.Equal(["code", "message", "more_info", "status"], error["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["code", "message", "more_info", "status"], error["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());

        var paths = document["paths"]!.AsObject();
        foreach (var (path, item) in paths.Where(p => p.Key.StartsWith("/v", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => Methods.Contains(o.Key)))
            {
                foreach (var status in (string[])["401", "404", "503"])
                {
                    Assert.Equal("#/components/schemas/TwilioError", operation!["responses"]![status]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>());
                }

                Assert.True(method != "post" || operation!["responses"]!["400"] is not null, $"{method} {path} has no 400");
            }
        }

        // The signed answers have their resource as their shape.
        Assert.Equal("#/components/schemas/ChallengeResource",
            Operation(paths, "POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges/{sid}")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/TwilioError",
            Operation(paths, "GET /healthz/ready")["responses"]!["503"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    private static JsonNode Operation(JsonObject paths, string key)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        var item = paths[key[(space + 1)..]] ?? throw new Xunit.Sdk.XunitException($"{key}: path not in the document");
        return item[key[..space].ToLowerInvariant()] ?? throw new Xunit.Sdk.XunitException($"{key}: method not in the document");
    }

    private static async Task<JsonObject> DocumentAsync(TestApi api)
    {
        using var response = await api.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    // A group's own route is "/Challenges/" in the route table and "/Challenges" in the document.
    private static string Normalise(string pattern) => "/" + pattern.Trim('/');
}
