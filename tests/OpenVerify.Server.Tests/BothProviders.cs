
// Every test class of this assembly runs on SQLite and on PostgreSQL (but those marked [StorageFree] or
// [RunsOn]); each test server or database gets fresh storage of its own (see TestKit/Storage).
[assembly: TestFramework(BothProviders.Framework, BothProviders.Assembly)]
