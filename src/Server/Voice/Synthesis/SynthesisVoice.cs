namespace Atom.Server.Voice.Synthesis;

/// <summary>A voice a synthesizer offers.</summary>
/// <param name="Name">What <see cref="SynthesisRequest.Voice"/> takes.</param>
/// <param name="DisplayName">A readable name.</param>
/// <param name="Languages">The languages it speaks (BCP 47-like tags, lower case); empty when unknown.</param>
/// <param name="Gender">"male", "female", or null when unknown.</param>
public sealed record SynthesisVoice(string Name, string DisplayName, IReadOnlyList<string> Languages, string? Gender);
