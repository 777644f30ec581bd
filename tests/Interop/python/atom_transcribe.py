"""Atom's live speech-to-text (atom.v1.VoiceService/Transcribe) through Debian's python3-grpcio.

Stubs are generated at start from protos/atom/v1/voice.proto into a temp dir, as interop_client.py does for
grpc.testing. The WAV (16-bit mono) is sent as LINEAR16 in 100 ms messages while the responses are read, the way a
live client streams a microphone. Prints one line per response ("partial <index> <text>" or "final <index> <text>", as
atom_transcribe_web.mjs does) and "status OK"; a call that fails prints "status <CODE> <message>" and exits 1. Then a config that is not
audio is sent, and its refusal is printed as "refused <CODE>".

usage: atom_transcribe.py PROTOS_DIR HOST:PORT TOKEN FILE.wav
"""
import os
import sys
import tempfile
import wave

import grpc
import grpc_tools
from grpc_tools import protoc


def stubs(protos):
    out = tempfile.mkdtemp(prefix="atom-py-stubs-")
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    files = ["atom/v1/voice.proto", "atom/v1/access.proto", "google/api/annotations.proto", "google/api/http.proto"]
    if protoc.main(["protoc", f"-I{protos}", f"-I{well_known}", f"--python_out={out}", f"--grpc_python_out={out}", *files]) != 0:
        sys.exit("protoc failed")
    # No __init__.py: the generated google/api must join the installed google.protobuf as one namespace package.
    sys.path.insert(0, out)
    from atom.v1 import voice_pb2, voice_pb2_grpc
    return voice_pb2, voice_pb2_grpc


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    protos, target, token, path = sys.argv[1:]
    voice_pb2, voice_pb2_grpc = stubs(protos)
    with wave.open(path, "rb") as recording:
        rate, channels, width = recording.getframerate(), recording.getnchannels(), recording.getsampwidth()
        pcm = recording.readframes(recording.getnframes())
    if width != 2:
        sys.exit("the WAV must be 16-bit")

    def requests(config, audio):
        yield voice_pb2.TranscribeRequest(config=config)
        step = rate * channels * 2 // 10
        for offset in range(0, len(audio), step):
            yield voice_pb2.TranscribeRequest(audio=audio[offset:offset + step])

    metadata = [("authorization", f"Bearer {token}")]
    with grpc.insecure_channel(target) as channel:
        voice = voice_pb2_grpc.VoiceServiceStub(channel)
        config = voice_pb2.TranscriptionConfig(format=voice_pb2.AudioFormat(
            encoding=voice_pb2.AUDIO_ENCODING_LINEAR16, sample_rate_hertz=rate, channels=channels))
        try:
            for response in voice.Transcribe(requests(config, pcm), metadata=metadata, timeout=60):
                segment = response.segment
                print(f"{'final' if segment.final else 'partial'} {segment.index} {segment.text}")
            print("status OK")
        except grpc.RpcError as error:
            print(f"status {error.code().name} {error.details()}")
            return 1

        # A WAV declared as MP3 is refused by its bytes, before any recognition.
        wrong = voice_pb2.TranscriptionConfig(format=voice_pb2.AudioFormat(encoding=voice_pb2.AUDIO_ENCODING_MP3))
        try:
            for _ in voice.Transcribe(requests(wrong, b"RIFF" + pcm[:32000]), metadata=metadata, timeout=60):
                pass
            print("refused nothing")
        except grpc.RpcError as error:
            print(f"refused {error.code().name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
