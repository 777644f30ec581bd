using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// One file to upload, made before the clock starts: its bytes, their SHA-256 and each chunk's (as a client would
/// send them), so the measured phase spends the load core on the transfer rather than on preparing it.
/// </summary>
public sealed class Payload
{
    private Payload(string name, string mediaType, byte[] data, int chunk, string marker)
    {
        Name = name;
        MediaType = mediaType;
        Data = data;
        Chunk = chunk;
        Marker = marker;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
        ChunkSha256 = [.. Enumerable.Range(0, (data.Length + chunk - 1) / chunk).Select(i => Convert.ToHexStringLower(SHA256.HashData(ChunkAt(i).Span)))];
    }

    /// <summary>Gets the file name.</summary>
    public string Name { get; }

    /// <summary>Gets the declared media type.</summary>
    public string MediaType { get; }

    /// <summary>Gets the content.</summary>
    public byte[] Data { get; }

    /// <summary>Gets the content's SHA-256, lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Gets the bytes per chunk.</summary>
    public int Chunk { get; }

    /// <summary>Gets each chunk's SHA-256, lowercase hex.</summary>
    public IReadOnlyList<string> ChunkSha256 { get; }

    /// <summary>Gets a word only this file's text holds (text and PDF), to find in the extracted text; empty for noise.</summary>
    public string Marker { get; }

    /// <summary>Gets the number of chunks.</summary>
    public int Chunks => ChunkSha256.Count;

    /// <summary>Gets a chunk's bytes, without copying them.</summary>
    /// <param name="index">The chunk.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> ChunkAt(int index) => Data.AsMemory(index * Chunk, Math.Min(Chunk, Data.Length - (index * Chunk)));

    /// <summary>
    /// A WAV file of white noise: a known type (so the server accepts it) whose processing reads only the header, with
    /// content as incompressible as the photos, archives and media that make most large uploads.
    /// </summary>
    /// <param name="name">The file name.</param>
    /// <param name="size">The size in bytes (at least 64).</param>
    /// <param name="chunk">The bytes per chunk.</param>
    /// <param name="random">The noise source.</param>
    /// <returns>The payload.</returns>
    public static Payload Noise(string name, int size, int chunk, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        const int HeaderBytes = 44;
        var data = new byte[Math.Max(64, size)];
        random.NextBytes(data.AsSpan(HeaderBytes));
        var header = data.AsSpan(0, HeaderBytes);
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(data.Length - 8));
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], 32000);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)(data.Length - HeaderBytes));
        return new Payload(name, "audio/wav", data, chunk, string.Empty);
    }

    /// <summary>A short plain-text note (a few KB) holding a marker word.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="marker">The word.</param>
    /// <returns>The payload.</returns>
    public static Payload Text(string name, string marker)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Line {i}: the quarterly report for project {marker} covers revenue, hiring and the roadmap.\n");
        }

        var data = Encoding.UTF8.GetBytes(text.ToString());
        return new Payload(name, "text/plain", data, data.Length, marker);
    }

    /// <summary>A one-page PDF (Helvetica, a few lines) holding a marker word, written by hand with an exact cross-reference table.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="marker">The word.</param>
    /// <returns>The payload.</returns>
    public static Payload Pdf(string name, string marker)
    {
        var content = new StringBuilder("BT /F1 12 Tf 72 720 Td 16 TL\n");
        for (var i = 0; i < 12; i++)
        {
            content.Append(CultureInfo.InvariantCulture, $"(Line {i}: the quarterly report for project {marker} covers revenue and hiring.) Tj T*\n");
        }

        content.Append("ET\n");
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            $"<< /Length {content.Length} >>\nstream\n{content}endstream",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length); // ASCII only, so characters are bytes
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        var data = Encoding.ASCII.GetBytes(pdf.ToString());
        return new Payload(name, "application/pdf", data, data.Length, marker);
    }
}
