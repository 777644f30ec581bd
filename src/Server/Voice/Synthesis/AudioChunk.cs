namespace Atom.Server.Voice.Synthesis;

/// <summary>The next bytes of synthesized audio, in the request's format; concatenated, the chunks are the whole file.</summary>
/// <param name="Data">The bytes; the caller's to keep.</param>
public readonly record struct AudioChunk(ReadOnlyMemory<byte> Data);
