using System.Text;
using System.Text.Json;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Tests;

public sealed class OperationParametersTests
{
    [Theory]
    [InlineData("Password")]
    [InlineData("password")]
    [InlineData("client_secret")]
    [InlineData("access_token")]
    [InlineData("ticket")]
    [InlineData("auth_key")]
    [InlineData("AuthKey")]
    [InlineData("passwd")]
    [InlineData("NewPassword")]
    [InlineData("pwd")]
    [InlineData("secret_key")]
    public void SecretsAreRedacted(string name)
    {
        var parameters = new RequestParameters();
        parameters.AddBody(name, "s3cret-value");
        parameters.AddQuery(name + "[]", "another-s3cret");

        var json = OperationParameters.Redact(parameters);

        Assert.DoesNotContain("s3cret", json, StringComparison.Ordinal);
        Assert.Contains(OperationParameters.Redacted, json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Alias")]
    [InlineData("PartyPath")]
    [InlineData("Slave")]
    [InlineData("group_admin")]
    [InlineData("Position")]
    [InlineData("Md5")]
    [InlineData("members")]
    public void ProtocolFieldsAreKept(string name)
    {
        var parameters = new RequestParameters();
        parameters.AddBody(name, "kept-value");

        Assert.Equal($$"""{"{{name}}":"kept-value"}""", OperationParameters.Redact(parameters));
    }

    [Fact]
    public void RepeatedValuesBecomeAnArray()
    {
        var parameters = new RequestParameters();
        parameters.AddQuery("Slave", "a@x.example");
        parameters.AddQuery("Slave[]", "b@x.example");
        parameters.AddBody("alias", "bob@x.example");

        var json = JsonDocument.Parse(OperationParameters.Redact(parameters)).RootElement;

        Assert.Equal(["a@x.example", "b@x.example"], json.GetProperty("Slave").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("bob@x.example", json.GetProperty("alias").GetString());
    }

    [Fact]
    public void NonAsciiIsKeptReadable()
    {
        var parameters = new RequestParameters();
        parameters.AddBody("Name", "鲍勃");

        Assert.Equal("""{"Name":"鲍勃"}""", OperationParameters.Redact(parameters));
    }

    [Fact]
    public void LongValuesAndNamesAreShortened()
    {
        var parameters = new RequestParameters();
        parameters.AddBody(new string('n', 1000), new string('v', 10_000));

        var json = JsonDocument.Parse(OperationParameters.Redact(parameters)).RootElement;

        var property = Assert.Single(json.EnumerateObject());
        Assert.Equal(OperationParameters.MaxValueLength + 1, property.Name.Length);
        Assert.Equal(OperationParameters.MaxValueLength + 1, property.Value.GetString()!.Length);
    }

    [Fact]
    public void ManyNamesAreCappedAndCounted()
    {
        var parameters = new RequestParameters();
        for (var i = 0; i < 20_000; i++)
        {
            parameters.AddBody($"p{i}", "v");
        }

        var text = OperationParameters.Redact(parameters);
        var json = JsonDocument.Parse(text).RootElement;

        Assert.Equal(OperationParameters.MaxNames + 1, json.EnumerateObject().Count());
        Assert.Equal("v", json.GetProperty("p0").GetString());
        Assert.Equal(20_000 - OperationParameters.MaxNames, json.GetProperty(OperationParameters.Omitted).GetInt64());
    }

    [Fact]
    public void TheWholeLineStaysWithinItsBudget()
    {
        var parameters = new RequestParameters();
        for (var i = 0; i < 90; i++)
        {
            for (var j = 0; j < 100; j++)
            {
                parameters.AddBody($"name{i}", new string('界', 300));
            }
        }

        var text = OperationParameters.Redact(parameters);
        var json = JsonDocument.Parse(text).RootElement;

        Assert.InRange(Encoding.UTF8.GetByteCount(text), OperationParameters.MaxBytes, OperationParameters.MaxBytes + (4 * OperationParameters.MaxValueLength) + 64);
        Assert.True(json.GetProperty(OperationParameters.Omitted).GetInt64() > 8000);
    }

    [Fact]
    public void NamesThatCollideWhenShortenedAreWrittenOnce()
    {
        var parameters = new RequestParameters();
        var prefix = new string('n', OperationParameters.MaxValueLength);
        parameters.AddBody(prefix + "a", "1");
        parameters.AddBody(prefix + "b", "2");

        var text = OperationParameters.Redact(parameters);
        var json = JsonDocument.Parse(text).RootElement;

        Assert.Equal(2, json.EnumerateObject().Count());
        Assert.Equal(1, json.GetProperty(OperationParameters.Omitted).GetInt64());
    }
}
