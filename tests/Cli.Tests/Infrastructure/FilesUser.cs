using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atom.Cli.Files;
using Atom.Cli.Profiles;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// Someone with files to upload, as far as the CLI can tell: a user of their own (so their file list holds only this
/// test's files), a working directory with the files, and a config directory (where the upload journal lives).
/// Both directories are deleted when disposed.
/// </summary>
public sealed class FilesUser : IDisposable
{
    private readonly CliServer _server;
    private readonly TempDirectory _config = new();

    private FilesUser(CliServer server, User user, string token)
    {
        _server = server;
        User = user;
        Token = token;
    }

    public User User { get; }

    /// <summary>Gets the user's access token, sent as ATOM_TOKEN.</summary>
    public string Token { get; }

    /// <summary>Gets the directory the CLI runs in, holding the files to upload.</summary>
    public TempDirectory Directory { get; } = new();

    /// <summary>Gets the upload journal the CLI keeps in this user's config directory.</summary>
    internal UploadJournal Journal => new(Path.Combine(_config.Path, "atom", "uploads"));

    public static async Task<FilesUser> CreateAsync(CliServer server, string name)
    {
        var (user, token) = await server.UserWithTokenAsync(name);
        return new FilesUser(server, user, token);
    }

    /// <summary>Runs <c>atom --server SERVER ARGS</c> as this user, in the working directory.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunViaAsync(_server.Address, args);

    /// <summary>Runs the CLI as this user against another address of the server (a proxy in front of it).</summary>
    public Task<CliResult> RunViaAsync(string address, params string[] args) =>
        AtomCli.RunAsync(["--server", address, .. args], environment: Environment(), asAdmin: false, workingDirectory: Directory.Path);

    /// <summary>Starts <c>atom --server SERVER ARGS</c> as this user and leaves it running.</summary>
    public RunningCli Start(params string[] args) =>
        RunningCli.Attach(AtomCli.Start(["--server", _server.Address, .. args], Environment(), asAdmin: false, Directory.Path));

    /// <summary>Writes a file into the working directory.</summary>
    /// <returns>Its absolute path.</returns>
    public string File(string name, byte[] content) => Directory.File(name, content);

    /// <summary>Gets a FileService client as this user, through the SDK: setup and checks, not the thing tested.</summary>
    public FileServiceClient Files() => new(_server.Channel(Token));

    /// <summary>Begins an upload of a file in the working directory through the SDK and sends its first bytes, as an interrupted run would have.</summary>
    /// <returns>The upload, with those bytes committed.</returns>
    public async Task<Upload> BeginPartAsync(string name, int sent)
    {
        var data = await System.IO.File.ReadAllBytesAsync(Directory.Combine(name));
        var files = Files();
        var upload = (await files.BeginUploadAsync(new BeginUploadRequest
        {
            Metadata = new UploadMetadata { Name = name, Size = data.Length, Sha256 = Sha256(data), RequestId = Guid.NewGuid().ToString() },
        })).Upload;
        return (await files.UploadChunkAsync(new UploadChunkRequest
        {
            UploadId = upload.Id,
            Chunk = new FileChunk { Offset = 0, Data = ByteString.CopyFrom(data, 0, sent), Sha256 = Sha256(data.AsSpan(0, sent)) },
        })).Upload;
    }

    /// <summary>Remembers an upload in the journal the way <c>atom upload</c> does after BeginUpload, for a file sent as it is by default (no room, folder or type).</summary>
    internal void Remember(string name, string uploadId)
    {
        var data = System.IO.File.ReadAllBytes(Directory.Combine(name));
        var key = new UploadKey(ProfileStore.NormalizeServer(_server.Address), Directory.Combine(name), data.Length, Sha256(data), string.Empty, string.Empty, string.Empty);
        Journal.Remember(new PendingUpload { Key = key, UploadId = uploadId, BeginTime = DateTimeOffset.UtcNow, ExpireTime = DateTimeOffset.UtcNow.AddHours(1) });
    }

    /// <summary>Gets the journal's entries (files), none once every upload has finished.</summary>
    public string[] JournalEntries() =>
        System.IO.Directory.Exists(Journal.Directory) ? System.IO.Directory.GetFiles(Journal.Directory, "*.json") : [];

    public void Dispose()
    {
        Directory.Dispose();
        _config.Dispose();
    }

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Text of many lines, a few hundred kilobytes: several chunks at the test server's chunk size.</summary>
    public static byte[] Text(int lines = 5000, string word = "line") =>
        Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, lines).Select(i => $"{word} {i}: the quick brown fox jumps over the lazy dog")));

    /// <summary>A real, tiny PDF with the given text on its one page.</summary>
    public static byte[] Pdf(params string[] lines) => PdfWriter.Write("Atom CLI test", lines);

    /// <summary>Reads the JSON documents of an output, one a line.</summary>
    public static List<JsonElement> Lines(CliResult result) =>
        result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();

    private Dictionary<string, string> Environment() => new()
    {
        ["ATOM_TOKEN"] = Token,
        ["XDG_CONFIG_HOME"] = _config.Path,
    };
}
