#!/usr/bin/env bash
# Starts BackupPortal on an embedded default: a PostgreSQL 15 cluster under .data/ holding the catalog and a demo
# source database, then the Api and the Web portal on loopback. Ctrl-C stops everything; running it again reuses .data/.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
DATA=$ROOT/.data
PG_BIN_DIR=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
PG_PORT=${BACKUPPORTAL_PG_PORT:-55432}
API_URL=${BACKUPPORTAL_API_URL:-http://127.0.0.1:5080}
PORTAL_URL=${BACKUPPORTAL_PORTAL_URL:-http://127.0.0.1:5081}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -x "$PG_BIN_DIR/initdb" ]; then
  echo "Installing PostgreSQL 15 (server binaries are missing from $PG_BIN_DIR)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1; }

mkdir -p "$DATA/storage" "$DATA/logs"
chmod 755 "$DATA"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$DATA"; then
  # The cluster under .data/ runs as the postgres OS user, which must pass through (not read) every directory above
  # it; a checkout in a private directory (mktemp -d makes them 0700) gets that one permission bit, and says so.
  dir=$DATA
  while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "Letting the postgres user pass through $dir (chmod o+x) so it can reach $DATA."
      chmod o+x "$dir"
    fi
  done
  runuser -u postgres -- test -x "$DATA" || { echo "The postgres OS user still cannot reach $DATA; move the checkout to a directory every user can traverse." >&2; exit 1; }
fi

# Secrets are generated once and kept (mode 600) so restarts reuse them.
if [ ! -f "$DATA/secrets.env" ]; then
  umask 077
  cat > "$DATA/secrets.env" <<SECRETS
BACKUP_ENCRYPTION_KEY=$(openssl rand -base64 32)
BACKUPPORTAL_CLIENT_ID=admin
BACKUPPORTAL_CLIENT_SECRET=$(openssl rand -hex 24)
BACKUPPORTAL_ADMIN_PASSWORD=Bp-$(openssl rand -hex 10)
SUPABASE_SERVICE_ROLE_KEY=$(openssl rand -hex 32)
PG_PASSWORD=$(openssl rand -hex 16)
SECRETS
  umask 022
fi
# Keys added by later versions are appended to an existing secrets file.
grep -q '^BACKUPPORTAL_ADMIN_PASSWORD=' "$DATA/secrets.env" || echo "BACKUPPORTAL_ADMIN_PASSWORD=Bp-$(openssl rand -hex 10)" >> "$DATA/secrets.env"
grep -q '^SUPABASE_SERVICE_ROLE_KEY=' "$DATA/secrets.env" || echo "SUPABASE_SERVICE_ROLE_KEY=$(openssl rand -hex 32)" >> "$DATA/secrets.env"
set -a; . "$DATA/secrets.env"; set +a

if [ ! -f "$DATA/pg/PG_VERSION" ]; then
  echo "Creating the PostgreSQL cluster in $DATA/pg ..."
  mkdir -p "$DATA/pg"
  printf '%s\n' "$PG_PASSWORD" > "$DATA/pg.pw"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$DATA/pg" "$DATA/pg.pw"
  as_postgres "$PG_BIN_DIR/initdb" -D "$DATA/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile="$DATA/pg.pw" >/dev/null
  rm -f "$DATA/pg.pw"
fi
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
# A port another program holds would only surface as "pg_ctl: could not start server"; say which and how to move.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! as_postgres "$PG_BIN_DIR/pg_ctl" -D "$DATA/pg" status >/dev/null 2>&1; then
  port_taken "$PG_PORT" && { echo "Port $PG_PORT is already in use (another ./run.sh?); stop it or set BACKUPPORTAL_PG_PORT." >&2; exit 1; }
  as_postgres "$PG_BIN_DIR/pg_ctl" -D "$DATA/pg" -l "$DATA/postgres.log" -w \
    -o "-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1" start >/dev/null \
    || { echo "PostgreSQL did not start; the end of $DATA/postgres.log:" >&2; tail -n 5 "$DATA/postgres.log" >&2; exit 1; }
fi
for url in "$API_URL" "$PORTAL_URL"; do
  port=${url##*:}; port=${port%%/*}
  port_taken "$port" && { echo "Port $port ($url) is already in use (another ./run.sh?); stop it or set BACKUPPORTAL_API_URL / BACKUPPORTAL_PORTAL_URL." >&2; exit 1; }
done
export PGPASSWORD=$PG_PASSWORD
PSQL=("$PG_BIN_DIR/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
if [ "$("${PSQL[@]}" -tAc "select 1 from pg_database where datname = 'demo'")" != 1 ]; then
  echo "Loading the demo database..."
  "${PSQL[@]}" -c "create database demo"
  "${PSQL[@]}" -d demo -f scripts/demo-data.sql
fi

echo "Building..."
dotnet build Api/Api.csproj -c Release -v q -nologo >/dev/null
dotnet build Web/Web.csproj -c Release -v q -nologo >/dev/null

export ConnectionStrings__Catalog="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=backupportal"
export BACKUP_STORAGE_PATH=$DATA/storage
export SUPABASE_URL="postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/demo?sslmode=disable"
# The demo source streams WAL from the start, so a point-in-time restore works within minutes.
export SUPABASE_PITR=true
export PG_BIN_DIR BACKUPPORTAL_API_URL=$API_URL BACKUPPORTAL_PORTAL_URL=$PORTAL_URL

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  as_postgres "$PG_BIN_DIR/pg_ctl" -D "$DATA/pg" -m fast stop >/dev/null 2>&1 || true
}
trap stop INT TERM EXIT

(cd Api && exec dotnet bin/Release/net10.0/BackupPortal.Api.dll --urls "$API_URL") > "$DATA/logs/api.log" 2>&1 &
pids+=($!)
(cd Web && exec dotnet bin/Release/net10.0/BackupPortal.Web.dll --urls "$PORTAL_URL") > "$DATA/logs/web.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fs "$API_URL/health/ready" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "The Api stopped; see $DATA/logs/api.log:" >&2; tail -20 "$DATA/logs/api.log" >&2; exit 1; }
  sleep 1
done
curl -fs "$API_URL/health/ready" >/dev/null || { echo "The Api did not become ready; see $DATA/logs/api.log" >&2; exit 1; }

cat <<INFO

BackupPortal is running.
  Api:      $API_URL   (Swagger UI: $API_URL/swagger)
  Portal:   $PORTAL_URL   (sign in as admin / $BACKUPPORTAL_ADMIN_PASSWORD)
  Client:   id $BACKUPPORTAL_CLIENT_ID, secret $BACKUPPORTAL_CLIENT_SECRET   (admin script client)
  Function: $API_URL/functions/v1/automated-backup-scheduler with Bearer \$SUPABASE_SERVICE_ROLE_KEY (in .data/secrets.env)
  Secrets:  .data/secrets.env (mode 600)
  Demo source: database 'demo' on 127.0.0.1:$PG_PORT, registered as source 'default'
  Logs:     .data/logs/ (Api, Web) and .data/postgres.log

Try it:
  TOKEN=\$(curl -s -X POST $API_URL/connect/token -d grant_type=client_credentials \\
      -d client_id=$BACKUPPORTAL_CLIENT_ID -d client_secret=$BACKUPPORTAL_CLIENT_SECRET | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
  curl -s $API_URL/api/v1/sources -H "Authorization: Bearer \$TOKEN"

Press Ctrl-C to stop.
INFO
wait -n "${pids[@]}"
