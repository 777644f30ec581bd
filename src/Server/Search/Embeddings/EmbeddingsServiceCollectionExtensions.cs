using Atom.Server.Hosting;
using Atom.Server.Search.Embeddings.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Search.Embeddings;

/// <summary>Registers the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> that <c>Atom:Embeddings</c> chooses.</summary>
public static class EmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> as a singleton: <see cref="GloveSifEmbeddingGenerator"/>
    /// for <c>Atom:Embeddings:Provider=glove</c> (the default), <see cref="OpenAiEmbeddingGenerator"/> for <c>openai</c>.
    /// Settings that cannot work fail here, at start-up, naming the key. A missing or unusable GloVe file does not: the server
    /// starts, the catalog reports embeddings off with the command that makes the file, and the generator throws
    /// <see cref="EmbeddingsUnavailableException"/>, so search answers by keywords. The file is loaded on first use.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the provider (or why it is off) in GetServerInfo.</param>
    /// <param name="dataDir">The data directory; the default vector file is <c>&lt;dataDir&gt;/models/glove-100d.bin</c>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Embeddings</c> cannot work.</exception>
    public static IServiceCollection AddAtomEmbeddings(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = configuration.GetSection(EmbeddingsOptions.Section).Get<EmbeddingsOptions>() ?? new EmbeddingsOptions();
        var errors = EmbeddingsOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EmbeddingsOptions.Section, typeof(EmbeddingsOptions), errors);
        }

        if (EmbeddingsOptionsValidation.Provider(options) == EmbeddingsOptions.OpenAiProvider)
        {
            var openAi = options.OpenAi;
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider =>
                new OpenAiEmbeddingGenerator(openAi, provider.GetService<ILogger<OpenAiEmbeddingGenerator>>()));
            // Where and which model, never the key.
            catalog.Add(new ComponentInfo("embeddings", OpenAiEmbeddingGenerator.ProviderName, true,
                $"{openAi.BaseUrl} model {openAi.Model}{(openAi.Dimensions is { } d ? $", {d} dims" : string.Empty)}"));
            return services;
        }

        var path = Path.GetFullPath(options.Glove.Path ?? Path.Combine(dataDir, GloveEmbeddingOptions.DefaultRelativePath));
        var (header, problem) = ReadGloveHeader(path);
        if (header is not null)
        {
            services.AddSingleton(_ => LoadGlove(path));
            catalog.Add(new ComponentInfo("embeddings", GloveSifEmbeddingGenerator.ProviderName, true, $"{path} ({header.Count} words, {header.Dimensions} dims)"));
        }
        else
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new UnavailableEmbeddingGenerator(GloveSifEmbeddingGenerator.ProviderName, problem!));
            catalog.Add(new ComponentInfo("embeddings", GloveSifEmbeddingGenerator.ProviderName, false, problem!));
        }

        return services;
    }

    private const string Fix = "create it with tests/scripts/glove.sh (./build.sh run does), or set Atom:Embeddings:Glove:Path; search runs on keywords only until then";

    // A file that passed the start-up check can still be replaced or damaged before first use: that too means keywords only.
    private static IEmbeddingGenerator<string, Embedding<float>> LoadGlove(string path)
    {
        try
        {
            return new GloveSifEmbeddingGenerator(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new UnavailableEmbeddingGenerator(GloveSifEmbeddingGenerator.ProviderName, $"{e.Message} Re-{Fix}");
        }
    }

    // The header of a usable file, else what is wrong and how to fix it, for the catalog and every failed call.
    private static (WordVectorHeader? Header, string? Problem) ReadGloveHeader(string path)
    {
        if (!File.Exists(path))
        {
            return (null, $"no word vectors at {path}: {Fix}");
        }

        try
        {
            return (WordVectorFile.ReadHeader(path), null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return (null, $"{e.Message} Re-{Fix}");
        }
    }
}
