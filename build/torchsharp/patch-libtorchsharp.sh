#!/usr/bin/env bash
# Makes a copied libLibTorchSharp.so (TorchSharp 0.107, built with GCC 13) load on a libstdc++ older than
# GLIBCXX_3.4.32, e.g. Debian 12's. The only symbol it needs from that version is std::ios_base_library_init();
# a one-function shim built here provides it. Leaves the library untouched when the system libstdc++ has the
# version, and does nothing the second time. Needs g++ and patchelf only where the patch is needed.
# Usage: patch-libtorchsharp.sh DIR_WITH_libLibTorchSharp.so TOOLS_DIR
# LIBSTDCXX overrides which libstdc++ is checked (tests use it).
set -euo pipefail
target_dir=$1
tools_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
library="$target_dir/libLibTorchSharp.so"
shim=libaitrading-ios-base-init.so
[ -f "$library" ] || { echo "patch-libtorchsharp: no $library" >&2; exit 1; }

libstdcxx=${LIBSTDCXX:-$( (ldconfig -p 2>/dev/null || true) | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')}
if [ -n "$libstdcxx" ] && [ -f "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
    echo "patch-libtorchsharp: $libstdcxx has GLIBCXX_3.4.32; $library left as it is"
    exit 0
fi
for tool in g++ patchelf; do
    command -v $tool >/dev/null || { echo "patch-libtorchsharp: $tool is needed to patch $library for this libstdc++ (apt-get install -y g++ patchelf)" >&2; exit 1; }
done
if patchelf --print-needed "$library" | grep -qx "$shim" && [ -f "$target_dir/$shim" ]; then
    echo "patch-libtorchsharp: $library is already patched"
    exit 0
fi

mkdir -p "$tools_dir"
[ "$tools_dir/weaken-version-need" -nt "$here/weaken-version-need.cpp" ] || g++ -O2 -o "$tools_dir/weaken-version-need" "$here/weaken-version-need.cpp"
g++ -shared -fPIC -O2 -o "$target_dir/$shim" "$here/ios-base-library-init.cpp"

temporary="$library.patching"
cp "$library" "$temporary"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$temporary"
"$tools_dir/weaken-version-need" "$temporary" GLIBCXX_3.4.32 >/dev/null
patchelf --add-needed "$shim" "$temporary"
patchelf --set-rpath '$ORIGIN' "$temporary"
mv "$temporary" "$library"
echo "patch-libtorchsharp: patched $library for $libstdcxx (shim $shim)"
