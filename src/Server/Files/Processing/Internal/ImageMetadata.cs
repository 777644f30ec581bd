using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.WebP;
using Directory = MetadataExtractor.Directory;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>An image's dimensions and its EXIF facts (camera, time taken, orientation, place) through MetadataExtractor.</summary>
internal static class ImageMetadata
{
    /// <exception cref="ImageProcessingException">The image's headers are unreadable.</exception>
    public static (int Width, int Height, Dictionary<string, string> Metadata) Read(string path)
    {
        var directories = ImageMetadataReader.ReadMetadata(path);
        var (width, height) = Dimensions(directories);
        var metadata = new Dictionary<string, string>
        {
            [ContentMetadataKeys.Width] = width.ToString(CultureInfo.InvariantCulture),
            [ContentMetadataKeys.Height] = height.ToString(CultureInfo.InvariantCulture),
        };
        if (directories.OfType<ExifIfd0Directory>().FirstOrDefault() is { } ifd0)
        {
            Put(metadata, "exif.make", ifd0.GetDescription(ExifDirectoryBase.TagMake));
            Put(metadata, "exif.model", ifd0.GetDescription(ExifDirectoryBase.TagModel));
            Put(metadata, "exif.orientation", ifd0.GetDescription(ExifDirectoryBase.TagOrientation));
            Put(metadata, "exif.software", ifd0.GetDescription(ExifDirectoryBase.TagSoftware));
            Put(metadata, "exif.dateTime", ifd0.GetDescription(ExifDirectoryBase.TagDateTime));
        }

        if (directories.OfType<ExifSubIfdDirectory>().FirstOrDefault() is { } sub)
        {
            Put(metadata, "exif.dateTimeOriginal", sub.GetDescription(ExifDirectoryBase.TagDateTimeOriginal));
        }

        if (directories.OfType<GpsDirectory>().FirstOrDefault()?.GetGeoLocation() is { } place)
        {
            metadata["exif.latitude"] = place.Latitude.ToString("0.######", CultureInfo.InvariantCulture);
            metadata["exif.longitude"] = place.Longitude.ToString("0.######", CultureInfo.InvariantCulture);
        }

        return (width, height, metadata);
    }

    private static (int Width, int Height) Dimensions(IReadOnlyList<Directory> directories)
    {
        foreach (var directory in directories)
        {
            var tags = directory switch
            {
                PngDirectory => (PngDirectory.TagImageWidth, PngDirectory.TagImageHeight),
                JpegDirectory => (JpegDirectory.TagImageWidth, JpegDirectory.TagImageHeight),
                GifHeaderDirectory => (GifHeaderDirectory.TagImageWidth, GifHeaderDirectory.TagImageHeight),
                WebPDirectory => (WebPDirectory.TagImageWidth, WebPDirectory.TagImageHeight),
                _ => ((int, int)?)null,
            };
            if (tags is var (w, h) && directory.TryGetInt32(w, out var width) && directory.TryGetInt32(h, out var height))
            {
                return (width, height);
            }
        }

        throw new ImageProcessingException("The image declares no dimensions.");
    }

    private static void Put(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            metadata[key] = value.Trim();
        }
    }
}
