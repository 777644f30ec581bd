// The CLI's tests are POSIX tests: they interrupt the CLI with SIGINT and check the modes of the files it writes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
