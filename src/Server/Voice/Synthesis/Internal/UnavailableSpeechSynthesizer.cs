namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>Stands in for espeak-ng when its library is missing: every call says so, with the fix.</summary>
internal sealed class UnavailableSpeechSynthesizer(string provider, string problem) : ISpeechSynthesizer
{
    public string ProviderName => provider;

    public IAsyncEnumerable<AudioChunk> SynthesizeAsync(SynthesisRequest request, CancellationToken cancellationToken = default) =>
        throw new SpeechSynthesisUnavailableException($"Speech synthesis is off on this server: {problem}.");

    public Task<IReadOnlyList<SynthesisVoice>> ListVoicesAsync(CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<SynthesisVoice>>(new SpeechSynthesisUnavailableException($"Speech synthesis is off on this server: {problem}."));
}
