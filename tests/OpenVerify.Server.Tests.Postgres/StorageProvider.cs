using OpenVerify.Server.Tests.Infrastructure;

// Every test server of this assembly gets a fresh database in one throwaway PostgreSQL cluster.
[assembly: TestStorage(TestStorage.Postgres)]
