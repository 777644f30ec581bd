using Atom.Server.Storage.Internal;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// One collection on disk: a directory named after it holding <c>snapshot</c> (<see cref="SnapshotFile"/>) and
/// <c>changes.log</c> (<see cref="ChangeLog"/>, every write since that snapshot). A write is appended to the log (and
/// fsynced, with <see cref="VectorStoreOptions.SyncWrites"/>) before it is applied in memory; a snapshot is written to a
/// temporary file, fsynced, renamed over the old one, and only then is the log emptied. A crash at any moment leaves an
/// old or a new snapshot, whole, and a log whose records replay onto either to the last acknowledged write.
/// </summary>
internal sealed class CollectionFiles : IDisposable
{
    private const string SnapshotName = "snapshot";
    private const string LogName = "changes.log";
    private const string TempName = "snapshot.tmp";

    private readonly bool _sync;
    private readonly TimeProvider _time;
    private readonly FileStream _log;
    private bool _broken;

    private CollectionFiles(string directory, bool sync, TimeProvider time, long validLogBytes)
    {
        Directory = directory;
        _sync = sync;
        _time = time;

        // Unbuffered: each record goes to the OS in one write, so a killed process loses nothing it acknowledged.
        _log = new FileStream(Path.Combine(directory, LogName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        if (_log.Length != validLogBytes)
        {
            // A write cut short by a crash: its caller never heard it succeed, and new records must not follow it.
            _log.SetLength(validLogBytes);
            Durability.FlushFile(_log.SafeFileHandle);
        }

        _log.Seek(0, SeekOrigin.End);
        LogBytes = validLogBytes;
        ChangedAt = validLogBytes > 0 ? time.GetUtcNow() : null;
    }

    public string Directory { get; }

    /// <summary>Gets the bytes of changes not in the snapshot yet.</summary>
    public long LogBytes { get; private set; }

    /// <summary>Gets when the first change not in the snapshot was made (or found at start-up); null when there is none.</summary>
    public DateTimeOffset? ChangedAt { get; private set; }

    /// <summary>Gets or sets a wrapper of the snapshot's file stream, for tests that fail a snapshot half-way.</summary>
    internal Func<Stream, Stream>? SnapshotStreamFilter { get; set; }

    /// <summary>Creates a new collection's directory with an empty snapshot, all at once: built aside, then renamed into place.</summary>
    public static CollectionFiles Create(string root, VectorCollection empty, bool sync, TimeProvider time)
    {
        var directory = Path.Combine(root, empty.Name);
        var building = Path.Combine(root, $"{empty.Name}.creating-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(building);
        try
        {
            WriteSnapshot(building, empty.Capture(), filter: null);
            File.WriteAllBytes(Path.Combine(building, LogName), []);
            Durability.FlushDirectory(building);
            System.IO.Directory.Move(building, directory);
            Durability.FlushDirectory(root);
        }
        catch
        {
            TryDelete(building);
            throw;
        }

        return new CollectionFiles(directory, sync, time, 0);
    }

    /// <summary>Loads a collection: its snapshot, then its log replayed on top.</summary>
    /// <exception cref="InvalidDataException">The snapshot is missing or damaged, or the log is damaged before its end.</exception>
    public static (VectorCollection Collection, CollectionFiles Files, long CutBytes) Load(
        string directory, Func<int, int, VectorCollection> create, bool sync, TimeProvider time)
    {
        File.Delete(Path.Combine(directory, TempName));
        var snapshot = Path.Combine(directory, SnapshotName);
        if (!File.Exists(snapshot))
        {
            throw new InvalidDataException("the snapshot is missing");
        }

        VectorCollection collection;
        using (var stream = new FileStream(snapshot, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            collection = SnapshotFile.Read(stream, create);
        }

        try
        {
            var logPath = Path.Combine(directory, LogName);
            var log = File.Exists(logPath) ? File.ReadAllBytes(logPath) : [];
            var valid = ChangeLog.Replay(log, collection);
            return (collection, new CollectionFiles(directory, sync, time, valid), log.Length - valid);
        }
        catch
        {
            collection.Dispose();
            throw;
        }
    }

    /// <summary>Moves a damaged collection's directory aside (kept for a look, never read again) and returns where to.</summary>
    public static string MoveAside(string directory)
    {
        var aside = $"{directory}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
        System.IO.Directory.Move(directory, aside);
        return aside;
    }

    /// <summary>Removes a collection's directory: renamed away first, so a crash half-way cannot leave a damaged collection behind.</summary>
    public static void Remove(string directory)
    {
        var doomed = $"{directory}.deleted-{Guid.NewGuid():N}";
        System.IO.Directory.Move(directory, doomed);
        Durability.FlushDirectory(Path.GetDirectoryName(directory)!);
        TryDelete(doomed);
    }

    /// <summary>Whether a directory name is the leftover of a create or remove that a crash interrupted.</summary>
    public static bool IsLeftover(string name) => name.Contains(".creating-", StringComparison.Ordinal) || name.Contains(".deleted-", StringComparison.Ordinal);

    public static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next start-up's sweep.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Appends one record and, with sync, waits until it is on the disk.</summary>
    public void Append(byte[] record)
    {
        if (_broken)
        {
            throw new IOException($"The change log in {Directory} could not be restored after a failed write; restart the server.");
        }

        try
        {
            _log.Write(record);
            if (_sync)
            {
                Durability.FlushFile(_log.SafeFileHandle);
            }
        }
        catch
        {
            // Cut the half-written record off, or no record after it could ever be read back.
            try
            {
                _log.SetLength(LogBytes);
                _log.Seek(0, SeekOrigin.End);
            }
            catch (IOException)
            {
                _broken = true;
            }

            throw;
        }

        LogBytes += record.Length;
        ChangedAt ??= _time.GetUtcNow();
    }

    /// <summary>Writes a new snapshot of <paramref name="capture"/> in place of the old one, then empties the log.</summary>
    public void Snapshot(CollectionCapture capture)
    {
        WriteSnapshot(Directory, capture, SnapshotStreamFilter);
        _log.SetLength(0);
        _log.Seek(0, SeekOrigin.Begin);
        Durability.FlushFile(_log.SafeFileHandle);
        LogBytes = 0;
        ChangedAt = null;
    }

    public void Dispose() => _log.Dispose();

    private static void WriteSnapshot(string directory, CollectionCapture capture, Func<Stream, Stream>? filter)
    {
        var temp = Path.Combine(directory, TempName);
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using (var stream = filter?.Invoke(file))
                {
                    SnapshotFile.Write(stream ?? file, capture);
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temp, Path.Combine(directory, SnapshotName), overwrite: true);
            Durability.FlushDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
