#!/usr/bin/env bash
# suite.packages BUILD_DIR SOURCE_DIR: runs cpack on BUILD_DIR (into a temporary directory, not
# the build tree), then checks both packages: the .tar.gz, extracted into a fresh directory, is
# the prefix install_and_consume.sh checks (runner, startjoin-conform, examples/consumer built
# against it); the .deb holds the same files under /usr and names its dependencies. The .deb is
# only read (dpkg-deb), never installed.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) source=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "packages: $*" >&2; exit 1; }
cpack=${CPACK:-cpack}

work=$(mktemp -d "${TMPDIR:-/tmp}/startjoin-packages.XXXXXX")
trap 'rm -rf "$work"' EXIT

timeout 600 "$cpack" --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
tgz=$(find "$work/out" -maxdepth 1 -name 'startjoin-*.tar.gz') deb=$(find "$work/out" -maxdepth 1 -name 'startjoin_*.deb')
[ -n "$tgz" ] && [ "$(wc -l <<<"$tgz")" = 1 ] || { ls "$work/out" >&2; fail "cpack wrote no single .tar.gz"; }
[ -n "$deb" ] && [ "$(wc -l <<<"$deb")" = 1 ] || { ls "$work/out" >&2; fail "cpack wrote no single .deb"; }

# The .tar.gz: one top directory, which is an installation prefix.
mkdir "$work/tgz"
tar -xzf "$tgz" -C "$work/tgz"
top=$(find "$work/tgz" -mindepth 1 -maxdepth 1)
[ "$(wc -l <<<"$top")" = 1 ] && [ -d "$top" ] || fail "the .tar.gz has no single top directory: $top"

# The .deb: the same files as the .tar.gz, under /usr.
(cd "$top" && find . -type f -o -type l | sed 's|^\./|./usr/|' | sort) >"$work/tgz.files"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sort >"$work/deb.files"
diff -u "$work/tgz.files" "$work/deb.files" >"$work/files.diff" ||
  { cat "$work/files.diff" >&2; fail "the .deb and the .tar.gz hold different files"; }
for file in ./usr/bin/startjoin-conformance ./usr/bin/startjoin-conform ./usr/bin/startjoin-driver-reference \
            ./usr/share/startjoin/spec/start-join.md ./usr/lib/cmake/startjoin/startjoinConfig.cmake \
            ./usr/lib/cmake/startjoin/StartjoinDiscoverTests.cmake; do
  grep -qx "$file" "$work/deb.files" || fail "the .deb lacks $file"
done
[ "$(dpkg-deb -f "$deb" Package)" = startjoin ] || fail "the .deb's package is '$(dpkg-deb -f "$deb" Package)'"
version=${STARTJOIN_VERSION:?"the ctest test sets STARTJOIN_VERSION to the version of the project"}
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the .deb's version is '$(dpkg-deb -f "$deb" Version)', not $version"
depends=$(dpkg-deb -f "$deb" Depends)
# The runner's shared libraries (found by dpkg-shlibdeps) and what startjoinConfig.cmake needs.
for needed in libc6 libfmt nlohmann-json3-dev; do
  grep -q "\(^\|, \)$needed" <<<"$depends" || fail "the .deb's Depends lacks $needed: $depends"
done
grep -q 'cmake' <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "the .deb does not recommend cmake"

"$here/install_and_consume.sh" "$build" "$source" "$top"
echo "packages: $(basename "$tgz") extracted and consumed; $(basename "$deb") holds the same $(wc -l <"$work/deb.files") files; Depends: $depends"
