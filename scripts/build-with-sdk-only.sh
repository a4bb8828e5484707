#!/usr/bin/env bash
# Proves the promise of the README's first lines: a clean clone builds (and publishes the CLI) with nothing on PATH
# but `dotnet`, so no patchelf, g++, cc or other tool is needed. Usage: scripts/build-with-sdk-only.sh [CONFIG]
set -euo pipefail
config=${1:-Release}
repo=$(cd "$(dirname "$0")/.." && pwd)
dotnet=$(readlink -f "$(command -v dotnet)")
dotnet_root=$(dirname "$dotnet")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/src"
mkdir "$work/path"
ln -s "$dotnet" "$work/path/dotnet"
for tool in patchelf g++ gcc cc make; do
    if PATH="$work/path" command -v "$tool" >/dev/null; then echo "build-with-sdk-only: $tool is on the restricted PATH" >&2; exit 1; fi
done
cd "$work/src"
only_dotnet() { env PATH="$work/path" DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false "$@"; }
only_dotnet dotnet build AiTrading.sln -c "$config" -nodeReuse:false
only_dotnet dotnet publish src/AiTrading.Cli -c "$config" --no-build -o "$work/out" -nodeReuse:false
only_dotnet DOTNET_ROOT="$dotnet_root" "$work/out/aitrading" models train --kind lstm --data "$repo/../shared/data/orcl-1995-2014.txt" \
    --horizon 5 --epochs 2 --window 8 --device cpu --json "$work/lstm.json"
echo "build-with-sdk-only: built, published and trained an LSTM with only dotnet on PATH"
