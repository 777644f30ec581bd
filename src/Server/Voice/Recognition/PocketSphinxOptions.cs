namespace Atom.Server.Voice.Recognition;

/// <summary>The settings of the embedded pocketsphinx recognizer (<c>Atom:Voice:Recognition:PocketSphinx</c>).</summary>
public sealed class PocketSphinxOptions
{
    /// <summary>The model directory of Debian's <c>pocketsphinx-en-us</c>.</summary>
    public const string DefaultModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Gets or sets the directory holding the acoustic model (<c>en-us/</c>), the language model and the dictionary.</summary>
    public string ModelDirectory { get; set; } = DefaultModelDirectory;

    /// <summary>Gets or sets the acoustic model directory; null means <c>&lt;ModelDirectory&gt;/en-us</c>.</summary>
    public string? AcousticModel { get; set; }

    /// <summary>Gets or sets the n-gram language model file; null means <c>&lt;ModelDirectory&gt;/en-us.lm.bin</c>.</summary>
    public string? LanguageModel { get; set; }

    /// <summary>Gets or sets the pronunciation dictionary; null means <c>&lt;ModelDirectory&gt;/cmudict-en-us.dict</c>.</summary>
    public string? Dictionary { get; set; }

    /// <summary>
    /// Gets or sets whether finals get pocketsphinx's second (flat-lexicon) and lattice passes. Off by default: they make a final
    /// take hundreds of milliseconds instead of 7 to 33 for little gain in accuracy.
    /// </summary>
    public bool AccurateFinals { get; set; }

    /// <summary>Gets the acoustic model directory in effect.</summary>
    public string AcousticModelPath => AcousticModel ?? Path.Combine(ModelDirectory, "en-us");

    /// <summary>Gets the language model file in effect.</summary>
    public string LanguageModelPath => LanguageModel ?? Path.Combine(ModelDirectory, "en-us.lm.bin");

    /// <summary>Gets the dictionary in effect.</summary>
    public string DictionaryPath => Dictionary ?? Path.Combine(ModelDirectory, "cmudict-en-us.dict");
}
