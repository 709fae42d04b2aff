#!/usr/bin/env bash
# The code's layout, checked in CI after the tests (infra/run-tests.sh):
# - `dotnet format whitespace --verify-no-changes` against .editorconfig;
# - the line limit of .editorconfig (max_line_length = 160), which dotnet format does not check: C# lines longer than
#   that may not grow in number beyond infra/long-lines.txt (lower that number as lines are wrapped; never raise it).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
status=0
if ! dotnet format whitespace FedHealth.sln --verify-no-changes -v q; then
  echo "layout: dotnet format found whitespace to fix; run: dotnet format whitespace FedHealth.sln" >&2
  status=1
fi
limit="$(grep -E '^max_line_length' .editorconfig | head -1 | grep -o '[0-9]*')"
allowed="$(grep -o '^[0-9]*' infra/long-lines.txt)"
long="$(git ls-files '*.cs' | xargs awk -v max="$limit" 'length > max { n++ } END { print n + 0 }')"
if [ "$long" -gt "$allowed" ]; then
  echo "layout: $long C# lines are longer than $limit characters, $allowed allowed (infra/long-lines.txt): wrap the new ones" \
    "(git diff origin/main -- '*.cs' | awk 'length > $limit + 1' lists them)" >&2
  status=1
else
  echo "layout: whitespace as .editorconfig says; $long C# lines over $limit characters (at most $allowed)"
fi
exit "$status"
