using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Drawing = DocumentFormat.OpenXml.Drawing;
using Word = DocumentFormat.OpenXml.Wordprocessing;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// The text of Word, Excel and PowerPoint files through the OpenXml SDK, in reading order: paragraphs, then sheets row by
/// row (cells separated by tabs), then slides in presentation order with their notes. Reading stops once the text is full.
/// </summary>
internal static class OfficeText
{
    public static Dictionary<string, string> ReadDocument(string path, CappedText text)
    {
        using var document = WordprocessingDocument.Open(path, isEditable: false);
        var body = document.MainDocumentPart?.Document?.Body;
        if (body is not null)
        {
            foreach (var paragraph in body.Descendants<Word.Paragraph>())
            {
                foreach (var run in paragraph.Descendants<Word.Text>())
                {
                    text.Append(run.Text);
                }

                text.Line();
                if (text.IsFull)
                {
                    break;
                }
            }
        }

        return Properties(document);
    }

    public static Dictionary<string, string> ReadWorkbook(string path, CappedText text)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: false);
        var workbook = document.WorkbookPart;
        var sheets = workbook?.Workbook?.Sheets?.Elements<Sheet>().ToList() ?? [];
        var shared = workbook?.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        foreach (var sheet in sheets)
        {
            if (text.IsFull || sheet.Id?.Value is not { } id || workbook!.GetPartById(id) is not WorksheetPart part)
            {
                continue;
            }

            text.Append(sheet.Name?.Value ?? string.Empty);
            text.Paragraph();
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var first = true;
                foreach (var cell in row.Elements<Cell>())
                {
                    if (!first)
                    {
                        text.Append(" ");
                    }

                    text.Append(CellText(cell, shared));
                    first = false;
                }

                text.Line();
                if (text.IsFull)
                {
                    break;
                }
            }

            text.Paragraph();
        }

        var metadata = Properties(document);
        metadata[ContentMetadataKeys.Sheets] = sheets.Count.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    public static Dictionary<string, string> ReadPresentation(string path, CappedText text)
    {
        using var document = PresentationDocument.Open(path, isEditable: false);
        var presentation = document.PresentationPart;
        var slideIds = presentation?.Presentation?.SlideIdList?.Elements<DocumentFormat.OpenXml.Presentation.SlideId>().ToList() ?? [];
        foreach (var slideId in slideIds)
        {
            if (text.IsFull || slideId.RelationshipId?.Value is not { } id || presentation!.GetPartById(id) is not SlidePart slide)
            {
                continue;
            }

            AppendParagraphs(slide.Slide, text);
            if (slide.NotesSlidePart?.NotesSlide is { } notes)
            {
                AppendParagraphs(notes, text);
            }

            text.Paragraph();
        }

        var metadata = Properties(document);
        metadata[ContentMetadataKeys.Slides] = slideIds.Count.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    private static void AppendParagraphs(DocumentFormat.OpenXml.OpenXmlElement root, CappedText text)
    {
        foreach (var paragraph in root.Descendants<Drawing.Paragraph>())
        {
            foreach (var run in paragraph.Descendants<Drawing.Text>())
            {
                text.Append(run.Text);
            }

            text.Line();
        }
    }

    private static string CellText(Cell cell, List<string> shared)
    {
        var value = cell.CellValue?.Text ?? string.Empty;
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < shared.Count
                ? shared[index]
                : string.Empty;
        }

        if (type == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText ?? string.Empty;
        }

        if (type == CellValues.Boolean)
        {
            return value == "1" ? "TRUE" : "FALSE";
        }

        return value;
    }

    private static Dictionary<string, string> Properties(OpenXmlPackage package)
    {
        var metadata = new Dictionary<string, string>();
        var properties = package.PackageProperties;
        if (!string.IsNullOrWhiteSpace(properties.Title))
        {
            metadata[ContentMetadataKeys.Title] = properties.Title.Trim();
        }

        if (!string.IsNullOrWhiteSpace(properties.Creator))
        {
            metadata[ContentMetadataKeys.Author] = properties.Creator.Trim();
        }

        return metadata;
    }
}
