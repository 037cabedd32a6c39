using System.Reflection;
using OpenVerify.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

// Every test server of this assembly gets a fresh database in one throwaway PostgreSQL cluster.
[assembly: TestStorage(TestStorage.Postgres)]
[assembly: TestFramework("OpenVerify.Server.Tests.PostgresTestFramework", "OpenVerify.Server.Tests.Postgres")]

namespace OpenVerify.Server.Tests;

/// <summary>
/// xunit's own framework, plus the end of run the shared cluster needs: it is stopped and its
/// directory deleted once every test has finished, before the assembly reports that it is done
/// (the test host is killed soon after that, too soon for ProcessExit handlers to delete it).
/// </summary>
public sealed class PostgresTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

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
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await Aggregator.RunAsync(TestStorage.ShutdownAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
