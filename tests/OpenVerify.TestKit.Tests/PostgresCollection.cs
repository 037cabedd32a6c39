using OpenVerify.TestKit.Postgres;

namespace OpenVerify.TestKit.Tests;

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
