#!/usr/bin/env bash
# Runs the whole test suite: unit, actor, in-process federation, integration tests against a real RabbitMQ and
# PostgreSQL, and the dashboard's tests in a headless Chromium (all installed from Debian's packages when missing;
# servers started and stopped on loopback by the tests themselves). Browser screenshots land in artifacts/screenshots.
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! "$root/infra/rabbitmq/install.sh" || ! "$root/infra/postgresql/install.sh" || ! "$root/infra/browser/install.sh"; then
  echo "the integration tests need rabbitmq-server and postgresql, the dashboard's browser tests chromium (see infra/rabbitmq, infra/postgresql, infra/browser)" >&2
  exit 1
fi

# Fashion-MNIST for the image-source tests; without it those tests are skipped (they say so), the rest still run.
"$root/infra/datasets/fashion-mnist.sh" || echo "Fashion-MNIST could not be installed: its image-source tests will be skipped" >&2

results="$(mktemp -d)"
# The unit tests first, in parallel (FedHealth.UnitTests); then the integration tests against the real servers, one class
# after another (FedHealth.IntegrationTests). Each project writes its own results; the counts below add them up.
dotnet build "$root/FedHealth.sln" --nologo -v q 2>&1 | tee "$results/build.log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  for project in FedHealth.UnitTests FedHealth.IntegrationTests; do
    dotnet test "$root/tests/$project" --no-build --nologo -v q --logger "trx;LogFileName=$project.trx" --results-directory "$results" \
      --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=2400000 2>&1 | tee "$results/$project.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
fi
# The layout (.editorconfig, the line limit) is checked once the tests have built everything.
"$root/infra/check-layout.sh" || status=1

trx=("$results"/*.trx)
if [ -f "${trx[0]}" ]; then
  passed=0; failed=0; total=0; executed=0
  for file in "${trx[@]}"; do
    counters="$(grep -o '<Counters [^>]*>' "$file" | head -1)"
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$(( passed + $(get passed) )); failed=$(( failed + $(get failed) )); total=$(( total + $(get total) )); executed=$(( executed + $(get executed) ))
  done
  skipped=$(( total - executed ))
  # CI shows only the tail of this output: repeat each failed test's name and the start of its message last.
  if [ "$failed" != "0" ]; then
    echo "failed tests:"
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { if (match($0, /testName="[^"]*"/)) { name = substr($0, RSTART + 10, RLENGTH - 11); printf "  %s\n", name; want = 1 } }
      want && /<Message>/ { sub(/.*<Message>/, ""); inmsg = 1; lines = 0 }
      inmsg { line = $0; done = sub(/<\/Message>.*/, "", line); if (lines < 8) printf "      %s\n", line; lines++; if (done) { inmsg = 0; want = 0 } }
    ' "${trx[@]}"
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
rm -rf "$results"
exit "$status"
