using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class DeleteFactorTests
{
    private const string ServerDate = "Thu, 01 Jan 2026 12:00:30 GMT";

    [Fact]
    public async Task Delete_sends_delete_with_form_content_type_and_removes_factor_and_key()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.NoContent);

        await device.Client.DeleteFactorAsync(factor.Sid);

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal($"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Factors/factorSid", request.Path);
        Expect.SdkHeaders(request, accept: "application/json");
        Assert.Equal("", request.Body);
        Assert.Empty(await device.Client.GetAllFactorsAsync());
        Assert.Empty(device.Keys.Aliases);
    }

    [Fact]
    public async Task Delete_answered_404_is_done()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.NotFound, Fixtures.Error(20404, 404, "not found"));

        await device.Client.DeleteFactorAsync(factor.Sid);

        Assert.Single(device.Api.Requests);
        Assert.Empty(await device.Client.GetAllFactorsAsync());
        Assert.Empty(device.Keys.Aliases);
    }

    [Fact]
    public async Task Delete_answered_401_twice_is_done_after_the_clock_sync_retry()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), ("Date", ServerDate))
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), ("Date", ServerDate));

        await device.Client.DeleteFactorAsync(factor.Sid);

        Assert.Equal(2, device.Api.Requests.Count);
        Assert.Empty(await device.Client.GetAllFactorsAsync());
    }

    [Fact]
    public async Task Delete_answered_401_without_date_is_an_error_and_keeps_the_factor()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.DeleteFactorAsync(factor.Sid));

        Assert.Equal(20003, error.ApiCode);
        Assert.Single(device.Api.Requests);
        Assert.Single(await device.Client.GetAllFactorsAsync());
    }

    [Fact]
    public async Task Delete_answered_500_is_an_error_and_keeps_the_factor()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.InternalServerError, "oops");

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.DeleteFactorAsync(factor.Sid));

        Assert.Null(error.ApiCode);
        Assert.Equal(500, error.HttpStatus);
        Assert.Single(await device.Client.GetAllFactorsAsync());
    }

    [Fact]
    public async Task Clear_local_storage_removes_factors_and_keys_without_calling_the_api()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        await device.Factors.SaveTimeCorrectionAsync(42);

        await device.Client.ClearLocalStorageAsync();

        Assert.Empty(device.Api.Requests);
        Assert.Empty(await device.Client.GetAllFactorsAsync());
        Assert.Empty(device.Keys.Aliases);
        Assert.Equal(42, await device.Factors.GetTimeCorrectionAsync());
    }
}
