using OpenVerify.TestKit.Postgres;

namespace OpenVerify.Storage.Tests;

/// <summary>One throwaway PostgreSQL cluster for the assembly; every test makes its own database.</summary>
[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
