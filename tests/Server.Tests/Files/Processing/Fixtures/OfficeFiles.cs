using System.Diagnostics;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Atom.Server.Tests.Files.Processing.Fixtures;

/// <summary>Word, Excel and PowerPoint files made with the OpenXml SDK, and images rendered from PDFs by poppler.</summary>
public static class OfficeFiles
{
    public static void Docx(string path, string title, params string[] paragraphs)
    {
        using var document = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document);
        document.PackageProperties.Title = title;
        document.PackageProperties.Creator = "Alice";
        var main = document.AddMainDocumentPart();
        main.Document = new W.Document(new W.Body(paragraphs.Select(p => new W.Paragraph(new W.Run(new W.Text(p))))));
    }

    public static void Xlsx(string path, params (string Sheet, string[][] Rows)[] sheets)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook(new Sheets());
        var strings = workbook.AddNewPart<SharedStringTablePart>();
        strings.SharedStringTable = new SharedStringTable();
        uint id = 1;
        foreach (var (name, rows) in sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            foreach (var row in rows)
            {
                data.Append(new Row(row.Select(value => double.TryParse(value, out _)
                    ? new Cell { CellValue = new CellValue(value), DataType = CellValues.Number }
                    : new Cell { CellValue = new CellValue(SharedString(strings.SharedStringTable, value).ToString(System.Globalization.CultureInfo.InvariantCulture)), DataType = CellValues.SharedString })));
            }

            part.Worksheet = new Worksheet(data);
            workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id++, Name = name });
        }
    }

    public static void Pptx(string path, params string[] slides)
    {
        using var document = PresentationDocument.Create(path, PresentationDocumentType.Presentation);
        var presentation = document.AddPresentationPart();
        presentation.Presentation = new P.Presentation(new P.SlideIdList(), new P.SlideSize { Cx = 9144000, Cy = 6858000 }, new P.NotesSize { Cx = 6858000, Cy = 9144000 });
        uint id = 256;
        foreach (var text in slides)
        {
            var slide = presentation.AddNewPart<SlidePart>();
            slide.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(
                new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                new P.GroupShapeProperties(),
                new P.Shape(
                    new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = 2, Name = "Title" }, new P.NonVisualShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                    new P.ShapeProperties(),
                    new P.TextBody(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.Run(new A.Text(text))))))));
            presentation.Presentation.SlideIdList!.Append(new P.SlideId { Id = id++, RelationshipId = presentation.GetIdOfPart(slide) });
        }
    }

    /// <summary>Renders the first page of a PDF to an image with poppler's <c>pdftoppm</c> (<c>-png</c> or <c>-jpeg</c>).</summary>
    public static string Render(string pdfPath, string format, int dpi)
    {
        var outputBase = Path.Combine(Path.GetDirectoryName(pdfPath)!, Path.GetFileNameWithoutExtension(pdfPath) + "-render");
        var start = new ProcessStartInfo("pdftoppm") { RedirectStandardError = true };
        foreach (var argument in new[] { $"-{format}", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-singlefile", pdfPath, outputBase })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"pdftoppm failed: {error}");
        return outputBase + (format == "png" ? ".png" : ".jpg");
    }

    private static int SharedString(SharedStringTable table, string value)
    {
        table.AppendChild(new SharedStringItem(new Text(value)));
        return table.Elements<SharedStringItem>().Count() - 1;
    }
}
