#!/usr/bin/env bash
# Installs what the tests need (PostgreSQL 15 server binaries, Node.js with supabase-js and the s3rver S3 server,
# Chromium, Python's Prometheus parser, the dotnet tools), builds,
# and runs every test.
set -euo pipefail
cd "$(dirname "$0")"
PG_BIN_DIR=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}

if [ ! -x "$PG_BIN_DIR/initdb" ] || [ ! -x "$PG_BIN_DIR/pg_dump" ]; then
  echo "Installing PostgreSQL 15..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi
id postgres >/dev/null 2>&1 || { echo "The postgres OS user is missing; install postgresql-15." >&2; exit 1; }
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1; }

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "Installing Node.js (the supabase-js contract test runs on it)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
[ -x /usr/bin/chromium ] || {
  echo "Installing Chromium (the portal tests drive it through Playwright)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
/usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null || {
  echo "Installing the Prometheus text parser (the /metrics test parses with it)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-prometheus-client >/dev/null
}
(cd tests/supabase-js && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error)
dotnet tool restore >/dev/null
dotnet build BackupPortal.sln -c Release -nologo -v q
log=$(mktemp)
set +e
dotnet test BackupPortal.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# The runner's summary lines ("Passed: N", "Failed: N" only when some failed) become one plain closing line.
passed=$( (grep -oE '^ +Passed: +[0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
failed=$( (grep -oE '^ +Failed: +[0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed"
exit "$status"
