#!/usr/bin/env bash
# suite.install-and-consume BUILD_DIR SOURCE_DIR [PREFIX]: installs BUILD_DIR into a fresh
# prefix, moves the prefix (an installation must not depend on where it was installed), and
# checks, with the source tree hidden, that the installed runner finds its own spec, that the
# installed startjoin-conform runs it (and builds the dashboard with --html), and that examples/consumer, configured against that prefix
# alone, builds its driver and registers and runs its conformance tests with ctest, labelled
# with their spec sections and clauses, its expected failure passing as XFAIL with its reason.
# With PREFIX (an extracted package, tests/suite/packages.sh), checks that prefix instead of
# installing one.
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR SOURCE_DIR [PREFIX]" >&2; exit 2; }
build=$(cd "$1" && pwd) source=$(cd "$2" && pwd)
given_prefix=${3:+$(cd "$3" && pwd)}

work=$(mktemp -d "${TMPDIR:-/tmp}/startjoin-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
case "$work/" in "$source"/*) echo "TMPDIR must be outside the source tree" >&2; exit 2 ;; esac

fail() { echo "install-and-consume: $*" >&2; exit 1; }
cmake=${CMAKE:-cmake} ctest=${CTEST:-ctest}  # the ctest test passes its own; the generator
                                             # comes from $CMAKE_GENERATOR, as cmake reads it

# One real test passes and the expected failure is XFAIL; the rest of the suite would take
# minutes against a driver without a case server's speed-ups.
filter='Scenario.JoinOrdersEffects:Scenario.OutputNoDuplicate'

if [ -n "$given_prefix" ]; then
  prefix=$given_prefix
  case "$prefix/" in "$source"/*) echo "PREFIX must be outside the source tree" >&2; exit 2 ;; esac
else
  timeout 120 "$cmake" --install "$build" --prefix "$work/staging" >"$work/install.log" ||
    { cat "$work/install.log" >&2; fail "cmake --install failed"; }
  mv "$work/staging" "$work/prefix"
  prefix=$work/prefix
fi
for file in bin/startjoin-conformance bin/startjoin-report bin/startjoin-driver-reference \
            bin/startjoin-conform \
            share/startjoin/spec/start-join.md share/startjoin/spec/report.schema.json \
            share/startjoin/spec/expectations.schema.json \
            lib/cmake/startjoin/startjoinConfig.cmake lib/cmake/startjoin/startjoinConfigVersion.cmake \
            lib/cmake/startjoin/StartjoinDiscoverTests.cmake \
            include/startjoin/adapter/serve.hpp include/startjoin/protocol/script.hpp; do
  [ -e "$prefix/$file" ] || fail "the installation lacks $file"
done
# The example as a project of its own, outside the source tree.
cp -R "$source/examples/consumer" "$work/consumer"

# The checks below run with the source tree (and any build tree inside it) hidden under an empty
# tmpfs, in a private mount namespace, so that nothing can be found there by accident. Without
# user namespaces they run with it visible, and say so.
if timeout 10 unshare --user --map-root-user --mount true 2>/dev/null; then
  hidden=1
  hide_source() {
    timeout 600 unshare --user --map-root-user --mount sh -c \
      'mount -t tmpfs none "$0" && exec "$@"' "$source" "$@"
  }
else
  hidden=0
  echo "install-and-consume: no user namespaces here; the source tree stays visible" >&2
  hide_source() { "$@"; }
fi

cd "$work"
runner=$prefix/bin/startjoin-conformance
listed=$(hide_source timeout 30 "$runner" --gtest_list_tests) || fail "the installed runner cannot list its tests"
grep -q '^Scenario\.$' <<<"$listed" || fail "the installed runner lists no scenarios of the spec"
hide_source timeout 120 "$runner" --driver "$prefix/bin/startjoin-driver-reference" -j 1 \
  --gtest_filter=Scenario.JoinOrdersEffects >"$work/one.log" 2>&1 ||
  { cat "$work/one.log" >&2; fail "one test against the installed reference driver failed"; }
grep -q 'PASS' "$work/one.log" || { cat "$work/one.log" >&2; fail "no PASS from the installed runner"; }

# startjoin-conform, the command line of tools/conform: the installed reference by name, its
# summary and exit status, a report where asked; usage errors exit 2 before any test.
conform=$prefix/bin/startjoin-conform
status=0
hide_source timeout 120 "$conform" reference --report-json "$work/conform.json" -- -j 1 \
  --gtest_filter=Scenario.JoinOrdersEffects >"$work/conform.log" 2>&1 || status=$?
[ "$status" = 0 ] || { cat "$work/conform.log" >&2; fail "startjoin-conform reference exited $status, not 0"; }
grep -q '^== conformance: reference$' "$work/conform.log" && grep -q 'clauses: 1 passed' "$work/conform.log" ||
  { cat "$work/conform.log" >&2; fail "startjoin-conform printed no summary of one passing clause"; }
grep -q '"join.orders-effects"' "$work/conform.json" || fail "startjoin-conform wrote no JSON report"
# --html: the dashboard of that run, from the spec installed beside startjoin-report.
hide_source timeout 120 "$conform" reference --html "$work/site" -- -j 1 \
  --gtest_filter=Scenario.JoinOrdersEffects >"$work/html.log" 2>&1 ||
  { cat "$work/html.log" >&2; fail "startjoin-conform reference --html failed"; }
grep -q "the spec <code>$prefix/share/startjoin/spec/start-join.md</code>" "$work/site/index.html" &&
  grep -q 'data-clause="join.orders-effects"' "$work/site/index.html" &&
  [ -f "$work/site/clauses/join.orders-effects.html" ] ||
  { cat "$work/html.log" >&2; fail "startjoin-conform --html built no site from the installed spec"; }
expect_usage_error() {
  local status=0 expected=$1; shift
  hide_source timeout 60 "$conform" "$@" >"$work/usage.log" 2>&1 || status=$?
  [ "$status" = 2 ] || { cat "$work/usage.log" >&2; fail "startjoin-conform $* exited $status, not 2"; }
  grep -q -- "$expected" "$work/usage.log" || { cat "$work/usage.log" >&2; fail "startjoin-conform $*: no '$expected'"; }
}
expect_usage_error "unknown option '--bogus'" --bogus
expect_usage_error "unknown adapter 'python-fork': an installed startjoin knows only 'reference'" python-fork
expect_usage_error "--all runs the repository's adapters" --all
expect_usage_error "--expectations is for --driver commands" reference --expectations "$work/conform.json"

if [ "$hidden" = 1 ]; then
  # A runner with no share/ beside it and no source tree finds no spec: exit 2, naming the paths.
  mkdir -p "$work/lonely/bin" && cp "$runner" "$work/lonely/bin/"
  status=0
  hide_source timeout 30 "$work/lonely/bin/startjoin-conformance" --gtest_list_tests \
    >/dev/null 2>"$work/lonely.log" || status=$?
  [ "$status" = 2 ] || fail "a runner without its spec exited $status, not 2"
  grep -q "no spec directory found; tried $work/lonely/share/startjoin/spec, $source/spec" \
    "$work/lonely.log" || { cat "$work/lonely.log" >&2; fail "no clear error naming the paths tried"; }
fi

# The consumer, configured against the prefix alone (no package registry either).
hide_source timeout 300 "$cmake" -S "$work/consumer" -B "$work/consumer-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DSTARTJOIN_FILTER="$filter" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; fail "configuring examples/consumer failed"; }
grep -qx "startjoin_DIR:PATH=$prefix/lib/cmake/startjoin" "$work/consumer-build/CMakeCache.txt" ||
  fail "startjoin was not found in the prefix: $(grep startjoin_DIR "$work/consumer-build/CMakeCache.txt")"
hide_source timeout 600 "$cmake" --build "$work/consumer-build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "building examples/consumer failed"; }

hide_source timeout 300 "$ctest" --test-dir "$work/consumer-build" -j2 -V >"$work/ctest.log" 2>&1 ||
  { cat "$work/ctest.log" >&2; fail "the consumer's ctest failed"; }
registered=$(grep -c '^ *Start *[0-9]*: startjoin\.tiny-driver\.' "$work/ctest.log" || true)
[ "$registered" = 2 ] || { cat "$work/ctest.log" >&2; fail "$registered tests registered, not 2"; }
grep -q "RC_PARAMS=seed=1" "$work/ctest.log" || fail "the tests with expectations run without RC_PARAMS=seed=1"
passed() { grep -q "Test #[0-9]*: startjoin\.tiny-driver\.$1 \.* *Passed" "$work/ctest.log"; }
passed Scenario.JoinOrdersEffects || fail "the real test did not pass"
passed Scenario.OutputNoDuplicate || fail "the expected failure is not a passing ctest test"
grep -q '\[  XFAIL   \] Scenario\.OutputNoDuplicate' "$work/ctest.log" ||
  { cat "$work/ctest.log" >&2; fail "the expected failure did not say XFAIL"; }
# The expected failure's reason is in the test's output, not only in the expectations file.
grep -q 'expected failure: Deliberate, to show an expected failure' "$work/ctest.log" ||
  { cat "$work/ctest.log" >&2; fail "the XFAIL test's output does not give the expectation's reason"; }

# Labels: the consumer's (startjoin, tiny-driver, tiny), then each test's spec sections and
# clause IDs, so that ctest selects a section or a clause. ctest's -L is a regular expression
# (`-L join` would also match join-timeout), hence the anchors.
selected() {
  hide_source timeout 60 "$ctest" --test-dir "$work/consumer-build" -N "$@" |
    sed -n 's/^ *Test *#[0-9]*: //p' | tr '\n' ' '
}
[ "$(selected -L '^tiny$')" = "startjoin.tiny-driver.Scenario.JoinOrdersEffects startjoin.tiny-driver.Scenario.OutputNoDuplicate " ] ||
  fail "-L '^tiny$' selected: $(selected -L '^tiny$')"
[ "$(selected -L '^join$')" = "startjoin.tiny-driver.Scenario.JoinOrdersEffects " ] ||
  fail "-L '^join$' (a section) selected: $(selected -L '^join$')"
[ "$(selected -L '^output$')" = "startjoin.tiny-driver.Scenario.OutputNoDuplicate " ] ||
  fail "-L '^output$' (a section) selected: $(selected -L '^output$')"
[ "$(selected -L '^join\.orders-effects$')" = "startjoin.tiny-driver.Scenario.JoinOrdersEffects " ] ||
  fail "-L '^join\.orders-effects$' (a clause) selected: $(selected -L '^join\.orders-effects$')"
[ -z "$(selected -L '^exitcode$')" ] || fail "-L '^exitcode$' selected: $(selected -L '^exitcode$')"
hide_source timeout 60 "$ctest" --test-dir "$work/consumer-build" -N -V -R 'OutputNoDuplicate$' >"$work/labels.log"
# ctest prints the labels sorted: the exact set, each once.
grep -qx 'Labels: output output.no-duplicate startjoin tiny tiny-driver' "$work/labels.log" ||
  { cat "$work/labels.log" >&2; fail "Scenario.OutputNoDuplicate is not labelled exactly startjoin, tiny-driver, tiny, output, output.no-duplicate"; }

# A FILTER that selects no test is a mistake, as in the runner: ctest stops, naming it, rather
# than registering nothing.
hide_source timeout 300 "$cmake" -S "$work/consumer" -B "$work/consumer-build" -DSTARTJOIN_FILTER=Nope \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; fail "reconfiguring examples/consumer failed"; }
status=0
hide_source timeout 60 "$ctest" --test-dir "$work/consumer-build" -N >"$work/nothing.log" 2>&1 || status=$?
[ "$status" != 0 ] || { cat "$work/nothing.log" >&2; fail "ctest succeeded with a FILTER that selects no test"; }
grep -q -- '--gtest_filter=Nope selects no test' "$work/nothing.log" ||
  { cat "$work/nothing.log" >&2; fail "ctest did not say that FILTER Nope selects no test"; }
echo "install-and-consume: $([ -n "$given_prefix" ] && echo "prefix $prefix" || echo 'installed, moved'), found its spec$([ "$hidden" = 1 ] && echo ' with the source tree hidden'); startjoin-conform ran; consumer: 2 tests, 1 PASS, 1 XFAIL, labelled by section and clause"
