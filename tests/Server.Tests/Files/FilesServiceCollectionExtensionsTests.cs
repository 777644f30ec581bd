using Atom.Server.Files;
using Atom.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Files;

/// <summary>Settings that cannot work together stop the server at start-up, naming them.</summary>
public sealed class FilesServiceCollectionExtensionsTests
{
    [Theory]
    [InlineData("Atom:Files:MaxFileBytes", "Atom:Files:MaxFileBytes=60000000")]
    [InlineData("Atom:Files:Tenants:acme:MaxFileBytes", "Atom:Files:Tenants:acme:MaxFileBytes=60000000")]
    public void A_file_limit_above_what_the_scanner_takes_is_refused(string key, string setting)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Add("Atom:Scanner:Address=tcp://127.0.0.1:3310", "Atom:Scanner:MaxStreamBytes=50000000", setting));
        Assert.Contains($"{key} (60000000 bytes) is more than Atom:Scanner:MaxStreamBytes (50000000 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_agree_and_without_a_scanner_the_file_limit_is_free()
    {
        Add("Atom:Scanner:Address=tcp://127.0.0.1:3310");
        Add("Atom:Files:MaxFileBytes=900000000");
    }

    private static void Add(params string[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1]))).Build();
        new ServiceCollection().AddAtomFiles(configuration, new ComponentCatalog(), Path.GetTempPath());
    }
}
