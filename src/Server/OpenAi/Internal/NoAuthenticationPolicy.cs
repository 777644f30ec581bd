using System.ClientModel.Primitives;

namespace Atom.Server.OpenAi.Internal;

/// <summary>Sends requests without credentials: local OpenAI-compatible servers (Ollama, vLLM) take none, and a made-up key would be sent in the clear.</summary>
internal sealed class NoAuthenticationPolicy : AuthenticationPolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNext(message, pipeline, currentIndex);

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNextAsync(message, pipeline, currentIndex);
}
