namespace Atom.Server.Files.Processing;

/// <summary>The broad kind of a file, which decides how Atom previews, indexes and limits it.</summary>
public enum FileCategory
{
    /// <summary>A paged document: PDF, Word.</summary>
    Document,

    /// <summary>Tabular data: Excel workbooks, CSV.</summary>
    Spreadsheet,

    /// <summary>Slides: PowerPoint.</summary>
    Presentation,

    /// <summary>Readable text: plain text, Markdown, JSON, HTML.</summary>
    Text,

    /// <summary>A raster image.</summary>
    Image,

    /// <summary>Recorded sound.</summary>
    Audio,

    /// <summary>A container of other files.</summary>
    Archive,
}
