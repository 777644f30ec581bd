#!/usr/bin/env bash
# Atom voice benchmark: the embedded speech recognizer (pocketsphinx) in one process, through its public API: word error
# rate on real recordings (pocketsphinx-testdata's LibriVox and cards) and on flite's speech, command accuracy (intent and
# room/query/text slots) on flite's commands, latency from the end of speech to the final and from a chunk to its partial,
# and the real-time factor with 1, 2 and 4 streams at once.
# Figures, never pass/fail on time or quality: the exit code is non-zero only when a session failed or answered a malformed
# segment, or the tool could not be built. See README.md, "Voice".
#
#   tests/Benchmarks/voice.sh             full run: end of speech 500 and 250 ms, every recording, sentence and command (~4 min)
#   QUICK=1 tests/Benchmarks/voice.sh     smoke run: one configuration, an eighth of each set, 1 and 2 streams (~30 s after the build)
#
# Environment: QUICK=1, SKIP_BUILD=1, END_OF_SPEECH ("500,250" ms: a configuration each; QUICK: the default only), STREAMS ("1,2,4"), ROUNDS (2
# passes over the LibriVox recordings per throughput stream), EVERY (1: every item of each set), CHUNK_MS (100: the audio
# handed to each Accept call), VOICE (slt: the flite voice).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  END_OF_SPEECH=${END_OF_SPEECH:-} STREAMS=${STREAMS:-1,2} ROUNDS=${ROUNDS:-1} EVERY=${EVERY:-8}
else
  END_OF_SPEECH=${END_OF_SPEECH:-"500,250"} STREAMS=${STREAMS:-"1,2,4"} ROUNDS=${ROUNDS:-2} EVERY=${EVERY:-1}
fi
CHUNK_MS=${CHUNK_MS:-100} VOICE=${VOICE:-slt}

results="$here/results/voice"
runs="$results/runs"
logs="$results/logs"
server_dll="$root/src/Server/bin/Release/net10.0/Atom.Server.dll"
voicebench="$root/tests/Benchmarks/VoiceBench/bin/Release/net10.0/Atom.Benchmarks.VoiceBench.dll"

# No server here: atom-server.sh gives the shared pieces (say, die, build_and_clear, machine_note).
BENCH=voice
SERVER_ARGS=()
# shellcheck source=atom-server.sh
source "$here/atom-server.sh"
# One process, not pinned: the concurrent streams are meant to share both cores.
pinning="not pinned (one process; its streams share the cores)"

[[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ]] || die "pocketsphinx-testdata is not installed (apt-get install pocketsphinx-testdata)"
command -v flite >/dev/null || die "flite is not installed (apt-get install flite)"
build_and_clear "$here/Voice.slnf" "$voicebench"
mkdir -p "$results/flite"

configs=()
[[ -n "$END_OF_SPEECH" ]] && configs=(--end-of-speech "$END_OF_SPEECH")
say "VoiceBench: end of speech ${END_OF_SPEECH:-as configured by default} ms, streams $STREAMS, every $EVERY item(s), $CHUNK_MS ms chunks"
dotnet "$voicebench" run "${configs[@]}" --streams "$STREAMS" --rounds "$ROUNDS" --every "$EVERY" --chunk-ms "$CHUNK_MS" \
  --voice "$VOICE" --flite-cache "$results/flite" --out "$runs/001-voice.json" | tee "$logs/voicebench.log" || failed=1
report_result_and_exit "$voicebench" "$runs/001-voice.json" "a recognition session failed or answered a malformed segment"
