namespace Atom.Server.Voice.Synthesis;

/// <summary>Text to speech. Implementations are thread-safe.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>Gets the provider's name, as in the component catalog: "espeak-ng" or "openai".</summary>
    string ProviderName { get; }

    /// <summary>
    /// Speaks the text, streaming the audio as it is produced. The request is checked before the first chunk, so a bad one
    /// fails at the first <c>MoveNextAsync</c> with nothing sent.
    /// </summary>
    /// <param name="request">What to say and how.</param>
    /// <param name="cancellationToken">The cancellation token; cancelling, or disposing the enumerator, stops synthesis.</param>
    /// <returns>The audio, in <see cref="SynthesisRequest.Format"/>.</returns>
    /// <exception cref="SynthesisRequestException">A field of the request cannot be honoured (empty or too long text, unknown voice, rate out of range).</exception>
    /// <exception cref="SpeechSynthesisUnavailableException">The engine or endpoint is missing or failing.</exception>
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(SynthesisRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists the voices <see cref="SynthesisRequest.Voice"/> may name.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The voices.</returns>
    /// <exception cref="SpeechSynthesisUnavailableException">The engine is missing.</exception>
    Task<IReadOnlyList<SynthesisVoice>> ListVoicesAsync(CancellationToken cancellationToken = default);
}
