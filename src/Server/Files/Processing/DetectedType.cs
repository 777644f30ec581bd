namespace Atom.Server.Files.Processing;

/// <summary>A file type Atom knows, as detected from a file's content.</summary>
/// <param name="MediaType">The canonical media type, e.g. <c>application/pdf</c>.</param>
/// <param name="Label">A short name for people, e.g. <c>PDF</c>.</param>
/// <param name="Extension">The usual file name extension with its dot, e.g. <c>.pdf</c>.</param>
/// <param name="Category">The broad kind of the file.</param>
public sealed record DetectedType(string MediaType, string Label, string Extension, FileCategory Category);
