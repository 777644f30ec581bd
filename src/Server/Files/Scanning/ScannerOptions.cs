namespace Atom.Server.Files.Scanning;

/// <summary>
/// How uploaded files are scanned for viruses, from <c>Atom:Scanner</c>. A file is served only after a scanner has
/// given it a clean verdict, so a scanner that is off, unreachable or unable to scan a file keeps that file unserved.
/// </summary>
/// <remarks>
/// clamd must be configured so that nothing this side sends is accepted unscanned: clamd answers "OK" for content larger
/// than its <c>MaxFileSize</c> (or <c>MaxScanSize</c>) without having looked at all of it, so keep
/// <see cref="MaxStreamBytes"/> &lt;= clamd's <c>StreamMaxLength</c> &lt;= its <c>MaxFileSize</c> and <c>MaxScanSize</c>
/// (Debian's clamd.conf ships 25M for the first two: raise them to at least this).
/// </remarks>
public sealed class ScannerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Scanner";

    /// <summary>The provider that scans with clamd over its INSTREAM command.</summary>
    public const string ClamAv = "clamav";

    /// <summary>The provider that scans nothing: every scan fails, so no uploaded file is ever served.</summary>
    public const string None = "none";

    /// <summary>Gets or sets the provider: <see cref="ClamAv"/> (the default) or <see cref="None"/>.</summary>
    public string Provider { get; set; } = ClamAv;

    /// <summary>
    /// Gets or sets where clamd listens: <c>unix:/absolute/path/clamd.sock</c> or <c>tcp://host:port</c>.
    /// Null means no scanner is configured: scans fail as they do with <see cref="None"/>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// Gets or sets the longest wait for any one step of a conversation with clamd: connecting, clamd taking one chunk,
    /// or clamd giving its verdict after the last chunk. Past it the scanner counts as unavailable.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many bytes of content go to clamd in one INSTREAM chunk.</summary>
    public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets the largest content sent for scanning. Larger content is not scanned: the scan fails with
    /// <see cref="ScanFailure.TooLarge"/>, so such a file is never served. It must not exceed clamd's <c>StreamMaxLength</c>;
    /// if it does, clamd's own refusal ends in the same failure, after the bytes up to clamd's limit were sent for nothing.
    /// The default is the default largest file (<c>Atom:Files:MaxFileBytes</c>), which the server refuses to start above it.
    /// </summary>
    public long MaxStreamBytes { get; set; } = 50L * 1024 * 1024;
}
