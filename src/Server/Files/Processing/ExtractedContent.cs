namespace Atom.Server.Files.Processing;

/// <summary>What <see cref="ContentExtractor"/> read out of a file, for search and previews.</summary>
/// <param name="Text">The file's readable text (empty when it has none, e.g. audio); at most <see cref="FileProcessingOptions.MaxTextChars"/> characters.</param>
/// <param name="Metadata">Facts about the file; keys are those of <see cref="ContentMetadataKeys"/>, plus <c>exif.*</c> for images.</param>
/// <param name="Truncated">Whether <paramref name="Text"/> stops short of the file's whole text because a size cap was reached.</param>
public sealed record ExtractedContent(string Text, IReadOnlyDictionary<string, string> Metadata, bool Truncated);
