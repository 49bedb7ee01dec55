#!/usr/bin/env bash
# The crash soak: CrashIT with many kill -9 cycles (default 500) against the packaged jar, on a
# machine kept busy by the test's own spinning processes. Prints the seed first and a summary at
# the end; an extra -Dtransom.crash.seed=S replays a schedule.
#   bench/crash-soak.sh [CYCLES] [extra mvn args...]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-500}"
shift || true
mvn -B -ntp -pl server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CrashIT -Dfailsafe.failIfNoSpecifiedTests=false -Dtransom.crash.cycles="$cycles" "$@"
