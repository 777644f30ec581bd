using System.Text;

namespace Atom.Server.Tests.Files.Processing.Fixtures;

/// <summary>
/// Writes the smallest PDF that real readers accept: a catalog, a page tree, one page per entry of text in Helvetica,
/// an info dictionary, and a cross-reference table whose offsets are the true byte offsets of the objects.
/// </summary>
public static class PdfWriter
{
    public static byte[] Write(string? title, params string[][] pages) => Write(title, 24, pages);

    public static byte[] Write(string? title, int fontSize, params string[][] pages)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(' ', pages.Select((_, i) => $"{5 + (2 * i)} 0 R"))}] /Count {pages.Length} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            title is null ? "<< >>" : $"<< /Title ({Escape(title)}) /Author (Atom tests) >>",
        };
        foreach (var lines in pages)
        {
            var content = new StringBuilder($"BT /F1 {fontSize} Tf 72 700 Td ");
            foreach (var line in lines)
            {
                content.Append('(').Append(Escape(line)).Append($") Tj 0 -{fontSize * 3 / 2} Td ");
            }

            content.Append("ET");
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {objects.Count + 2} 0 R >>");
            objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length); // ASCII only, so characters are bytes
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");
}
