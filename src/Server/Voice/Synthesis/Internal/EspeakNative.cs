using System.Runtime.InteropServices;
using System.Text;

namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>
/// The parts of espeak-ng's C API (speak_lib.h) Atom calls. All of it works on one global state: only
/// <see cref="EspeakEngine"/>'s worker thread calls these.
/// </summary>
internal static class EspeakNative
{
    public const string Library = "libespeak-ng.so.1";

    /// <summary>espeak_Synth returns after the whole text, handing audio to the callback as it goes.</summary>
    public const int AudioOutputSynchronous = 2;

    /// <summary>Report errors as return codes instead of calling exit(), which would take the server down.</summary>
    public const int InitializeDontExit = 0x8000;

    public const int PositionCharacter = 1;

    /// <summary>UTF-8 text with a pause at the end. Never espeakSSML (0x10) nor espeakPHONEMES (0x100): text is only text.</summary>
    public const uint SynthFlags = 1 | 0x1000;

    public const int ParameterRate = 1;
    public const int ParameterPitch = 3;

    public const int Ok = 0;

    // Strings go as NUL-terminated UTF-8 bytes: LibraryImport's string marshalling needs AllowUnsafeBlocks for the whole server.
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + '\0');

    [DllImport(Library)]
    public static extern int espeak_Initialize(int output, int bufferLength, byte[]? path, int options);

    [DllImport(Library)]
    public static extern void espeak_SetSynthCallback(IntPtr callback);

    [DllImport(Library)]
    public static extern int espeak_SetVoiceByName(byte[] name);

    [DllImport(Library)]
    public static extern int espeak_SetParameter(int parameter, int value, int relative);

    [DllImport(Library)]
    public static extern int espeak_Synth(
        byte[] text, nuint size, uint position, int positionType, uint endPosition, uint flags, IntPtr uniqueIdentifier, IntPtr userData);

    /// <summary>A NULL-terminated array of espeak_VOICE pointers, owned by the library.</summary>
    [DllImport(Library)]
    public static extern IntPtr espeak_ListVoices(IntPtr voiceSpec);

    [DllImport(Library)]
    public static extern IntPtr espeak_Info(out IntPtr pathData);

    [DllImport(Library)]
    public static extern int espeak_Terminate();
}
