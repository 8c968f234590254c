using System.Runtime.CompilerServices;

// The lease table's expiry logic is tested directly, with a fake clock.
[assembly: InternalsVisibleTo("T2F.Orleans.Tests")]
