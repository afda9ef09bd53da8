#!/usr/bin/env bash
# Runs every test (unit, task and integration: the integration tests pack the package from
# these sources into a private feed and build testassets/ through it). Ends with one line,
# "tests: N passed, N failed", counted from the TRX results, and exits non-zero on failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/artifacts/test-results"
rm -rf "$results"

# The browser-refresh tests drive a real headless Chromium: Debian's package, installed here
# when it is missing (IW_CHROMIUM names another executable instead).
if [[ -z "${IW_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  as_root=""
  [[ "$(id -u)" -ne 0 ]] && as_root="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium for the browser tests (apt-get)"
    $as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null \
      || echo "could not install chromium: the browser tests will fail" >&2
  else
    echo "no chromium and no apt-get: set IW_CHROMIUM to a Chromium executable, or the browser tests will fail" >&2
  fi
fi

# The run gets a temp folder of its own: the packed feed and the tests' workspaces, and what
# the processes they start leave there (the runtime's diagnostic sockets of the hosts and apps
# the tests kill on purpose, MSBuild's temp folders). It is removed when every test passed
# and kept, for a look, when one failed; one run left about 200 MB and 150 entries in /tmp.
run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/iw-test-run.XXXXXX")"
export TMPDIR="$run_tmp"

dotnet test "$root/IncrementalWatch.sln" -nologo -tl:off \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?

passed=0; failed=0; found=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  found=1
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<< "$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<< "$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done

if [[ $found -eq 0 ]]; then
  echo "no test results were written" >&2
  status=1
fi
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1 # the run itself failed (build error, crash): never report it as clean
fi
if [[ $status -eq 0 && $failed -eq 0 && $passed -gt 0 ]]; then
  rm -rf "$run_tmp"
else
  echo "the run's temp folder is kept: $run_tmp" >&2
fi
echo "tests: $passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 && $passed -gt 0 ]]
