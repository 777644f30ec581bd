using Xunit.Abstractions;
using Xunit.Sdk;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// Marks a test class whose <see cref="ContractFactAttribute"/> tests need something named by an environment variable
/// (e.g. a server nothing here can start): without it they are reported as skipped, with the reason.
/// </summary>
/// <param name="variable">The environment variable.</param>
/// <param name="reason">What it names and why it is needed.</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable, string reason) : Attribute
{
    /// <summary>Gets the environment variable.</summary>
    public string Variable { get; } = variable;

    /// <summary>Gets what it names and why it is needed.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// A fact of a shared (abstract) suite: it runs in every derived class, except one marked
/// <see cref="RequiresEnvironmentAttribute"/> whose variable is unset, where it is skipped with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Atom.Server.Tests.Infrastructure.ContractFactDiscoverer", "Atom.Server.Tests")]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Finds <see cref="ContractFactAttribute"/> tests, skipping them where the test class's requirement is unmet.</summary>
/// <param name="diagnostics">The diagnostic sink.</param>
public sealed class ContractFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc/>
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)).FirstOrDefault();
        var arguments = requirement?.GetConstructorArguments().ToArray() ?? [];
        if (arguments is [string variable, string reason] && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            return [new SkippedTestCase(diagnostics, display, options, testMethod, $"{variable} is not set: {reason}")];
        }

        return [new XunitTestCase(diagnostics, display, options, testMethod)];
    }
}

/// <summary>A test case reported as skipped with a reason decided at discovery.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = string.Empty;

    /// <summary>Initializes a new instance, for deserialization only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase()
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="diagnostics">The diagnostic sink.</param>
    /// <param name="display">The method display.</param>
    /// <param name="options">The method display options.</param>
    /// <param name="testMethod">The test method.</param>
    /// <param name="reason">Why it is skipped.</param>
    public SkippedTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, string reason)
        : base(diagnostics, display, options, testMethod)
    {
        _reason = reason;
    }

    /// <inheritdoc/>
    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    /// <inheritdoc/>
    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }

    /// <inheritdoc/>
    protected override void Initialize()
    {
        // The base initializes from the fact attribute, which has no skip reason; this case's own comes after.
        base.Initialize();
        SkipReason = _reason;
    }
}
