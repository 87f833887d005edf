# Shared by tools/conform and tools/check: bootstrap, then configure and build in build/.
# Sourced, not run. Sets $root and $build.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${STARTJOIN_BUILD_DIR:-$root/build}

build_everything() {
  "$root/tools/bootstrap"
  local log="$build/last-build.log"
  mkdir -p "$build"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1; then
      cat "$log" >&2
      echo "configure failed (log: $log)" >&2
      return 1
    fi
  fi
  if ! cmake --build "$build" -j "$(nproc)" >"$log" 2>&1; then
    grep -E 'error|Error' -A5 "$log" | head -n 80 >&2 || true
    echo "build failed (full log: $log)" >&2
    return 1
  fi
}
