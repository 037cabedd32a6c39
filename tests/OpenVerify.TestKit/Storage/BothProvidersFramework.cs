using System.ComponentModel;
using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OpenVerify.TestKit.Storage;

/// <summary>The names a test assembly's <c>[assembly: TestFramework(...)]</c> gives to run on both providers.</summary>
public static class BothProviders
{
    public const string Framework = "OpenVerify.TestKit.Storage.BothProvidersFramework";

    public const string Assembly = "OpenVerify.TestKit";
}

/// <summary>
/// Marks a test class that opens no storage: it runs once, not once per provider. Its tests must not
/// start a server or open a database (they would silently get SQLite).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StorageFreeAttribute : Attribute;

/// <summary>
/// Marks a test class that only makes sense on some providers (say why in its comment), e.g. two servers
/// sharing a PostgreSQL database through LISTEN/NOTIFY.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsOnAttribute(params string[] providers) : Attribute
{
    public IReadOnlyList<string> Providers { get; } = providers;
}

/// <summary>
/// xunit's own framework, except that every test class of the assembly (but those marked
/// <see cref="StorageFreeAttribute"/> or <see cref="RunsOnAttribute"/>) runs twice: on SQLite, then on PostgreSQL. Each test case is
/// discovered once per provider, named with it (<c>… [postgres]</c>) and given a <c>Storage</c> trait
/// (<c>dotnet test --filter Storage=postgres</c>); a test class's run, fixtures included, happens with
/// <see cref="TestStorage.Provider"/> set to its provider. At the end of the run the shared PostgreSQL
/// cluster is stopped and its directory deleted, before the assembly reports that it is done (the test
/// host is killed soon after that, too soon for ProcessExit handlers).
/// </summary>
public sealed class BothProvidersFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForType(ITestClass testClass, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (testClass.Class.GetCustomAttributes(typeof(StorageFreeAttribute)).Any())
            {
                return base.FindTestsForType(testClass, includeSourceInformation, messageBus, discoveryOptions);
            }

            var runsOn = testClass.Class.GetCustomAttributes(typeof(RunsOnAttribute)).SingleOrDefault();
            var providers = runsOn is null ? TestStorage.All : TestStorage.All.Where(runsOn.GetConstructorArguments().Cast<string[]>().Single().Contains).ToList();
            using var perProvider = new PerProviderBus(messageBus, DiagnosticMessageSink, discoveryOptions, providers);
            return base.FindTestsForType(testClass, includeSourceInformation, perProvider, discoveryOptions);
        }
    }

    /// <summary>Turns each discovered test case into one per provider.</summary>
    private sealed class PerProviderBus(IMessageBus inner, IMessageSink diagnosticMessageSink, ITestFrameworkDiscoveryOptions options, IReadOnlyList<string> providers) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is not ITestCaseDiscoveryMessage discovered)
            {
                return inner.QueueMessage(message);
            }

            var display = options.MethodDisplayOrDefault();
            var displayOptions = options.MethodDisplayOptionsOrDefault();
            foreach (var provider in providers)
            {
                IXunitTestCase? perProvider = discovered.TestCase switch
                {
                    XunitTheoryTestCase theory when theory.GetType() == typeof(XunitTheoryTestCase) =>
                        new ProviderTheoryTestCase(diagnosticMessageSink, display, displayOptions, theory.TestMethod, provider),
                    XunitTestCase fact when fact.GetType() == typeof(XunitTestCase) =>
                        new ProviderTestCase(diagnosticMessageSink, display, displayOptions, fact.TestMethod, fact.TestMethodArguments, provider),
                    // Skipped data rows and discovery errors report once; they run nothing.
                    _ => null,
                };
                if (perProvider is null)
                {
                    return inner.QueueMessage(message);
                }

                if (!inner.QueueMessage(new TestCaseDiscoveryMessage(perProvider)))
                {
                    return false;
                }
            }

            return true;
        }

        public void Dispose()
        {
            // The inner bus belongs to the discoverer.
        }
    }

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // Note: async void as in the base class; the runner waits for the assembly's finished message.
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource) =>
            new CollectionRunner(testCollection, testCases, DiagnosticMessageSink, messageBus, TestCaseOrderer, new ExceptionAggregator(Aggregator), cancellationTokenSource).RunAsync();

        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await Aggregator.RunAsync(TestStorage.ShutdownAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }

    /// <summary>Runs a test class once per provider, fixtures and all, with the provider set.</summary>
    private sealed class CollectionRunner(ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageBus messageBus, ITestCaseOrderer testCaseOrderer, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
        : XunitTestCollectionRunner(testCollection, testCases, diagnosticMessageSink, messageBus, testCaseOrderer, aggregator, cancellationTokenSource)
    {
        protected override async Task<RunSummary> RunTestClassAsync(ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases)
        {
            var summary = new RunSummary();
            foreach (var group in testCases.GroupBy(ProviderOf).OrderBy(g => g.Key == TestStorage.Postgres))
            {
                if (CancellationTokenSource.IsCancellationRequested)
                {
                    break;
                }

                TestStorage.Use(group.Key);
                summary.Aggregate(await base.RunTestClassAsync(testClass, @class, group));
            }

            return summary;
        }

        private static string ProviderOf(IXunitTestCase testCase) => testCase switch
        {
            ProviderTestCase fact => fact.Provider,
            ProviderTheoryTestCase theory => theory.Provider,
            _ => TestStorage.Sqlite,
        };
    }
}

/// <summary>A fact (or a pre-enumerated theory row) on one storage provider.</summary>
public sealed class ProviderTestCase : XunitTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ProviderTestCase()
    {
    }

    public ProviderTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, object[]? testMethodArguments, string provider)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, testMethodArguments)
    {
        Provider = provider;
    }

    public string Provider { get; private set; } = TestStorage.Sqlite;

    protected override void Initialize()
    {
        base.Initialize();
        DisplayName += $" [{Provider}]";
        Traits.TryAdd("Storage", []);
        Traits["Storage"].Add(Provider);
    }

    protected override string GetUniqueID() => base.GetUniqueID() + "-" + Provider;

    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue(nameof(Provider), Provider);
        base.Serialize(data);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        // Before the base, which initialises the display name and traits from it.
        Provider = data.GetValue<string>(nameof(Provider));
        base.Deserialize(data);
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        TestStorage.Use(Provider);
        return base.RunAsync(diagnosticMessageSink, messageBus, constructorArguments, aggregator, cancellationTokenSource);
    }
}

/// <summary>A theory whose rows are enumerated when it runs, on one storage provider.</summary>
public sealed class ProviderTheoryTestCase : XunitTheoryTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ProviderTheoryTestCase()
    {
    }

    public ProviderTheoryTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, string provider)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        Provider = provider;
    }

    public string Provider { get; private set; } = TestStorage.Sqlite;

    protected override void Initialize()
    {
        base.Initialize();
        DisplayName += $" [{Provider}]";
        Traits.TryAdd("Storage", []);
        Traits["Storage"].Add(Provider);
    }

    protected override string GetUniqueID() => base.GetUniqueID() + "-" + Provider;

    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue(nameof(Provider), Provider);
        base.Serialize(data);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        Provider = data.GetValue<string>(nameof(Provider));
        base.Deserialize(data);
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        TestStorage.Use(Provider);
        return base.RunAsync(diagnosticMessageSink, messageBus, constructorArguments, aggregator, cancellationTokenSource);
    }
}
