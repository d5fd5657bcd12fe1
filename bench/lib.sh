# Shell functions shared by bench/bench.sh and bench/bench-pitr.sh. Source it after setting:
#   ROOT WORK PGBIN PORT API_PORT API_URL PGDATA PGSOCK SCALE TEXT_ROWS REPEAT CLIENT_SECRET API_PID
# The functions read those globals; get_token sets TOKEN, start_api sets API_PID.
# shellcheck shell=bash

# ---------------------------------------------------------------- settings every script shares
# bench_settings WORK_DIR_NAME PG_PORT API_PORT: where a script works, its ports, and the BENCH_* options.
bench_settings() {
    WORK="$ROOT/bench/$1"
    PGBIN=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
    PORT=$2
    API_PORT=$3
    API_URL="http://127.0.0.1:$API_PORT"
    SCALE=${BENCH_SCALE:-30}
    KEEP=${BENCH_KEEP:-1}
    STRICT=${BENCH_STRICT:-0}
    REPEAT=${BENCH_REPEAT:-1}
    TEXT_ROWS=$((SCALE * 80000))          # rows of random hex text (2.4 M at scale 30)
    PGDATA="$WORK/pgdata"
    PGSOCK="$WORK/run"
    CLIENT_SECRET=$(openssl rand -hex 24)
    API_PID=""
    TOKEN=""
}

# ---------------------------------------------------------------- small helpers
log() { printf '\n[%s] == %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\n[%s] FAILED: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$1" "$2"; }

# PostgreSQL client tools, always against our cluster over TCP (trust auth).
pgtool() { local tool=$1; shift; "$PGBIN/$tool" -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
sql() { pgtool psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# json EXPR: evaluates a Python expression over the JSON document on stdin, bound to `d` (and `j`: a backup's job fields).
json() {
    python3 -c '
import json, sys
job = lambda d: d.get("job", d) if isinstance(d, dict) else d  # a backup detail: job fields nested or at the top
text = sys.stdin.read()
if not text.strip(): sys.exit(1)  # the request already failed and said why
try: d = json.loads(text); v = eval(sys.argv[1], {}, {"d": d, "j": job(d)})
except Exception as e: sys.exit(f"unexpected JSON ({e!r}): {text[:500]}")
print("" if v is None else v)' "$1"
}

# api METHOD PATH BODY EXPECTED_STATUS: prints the response body (BODY may be ""); dies on any other status.
api() {
    local method=$1 path=$2 body=$3 expected=$4 out status
    out=$(mktemp)
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$API_URL$path" \
        -H "Authorization: Bearer $TOKEN" ${body:+-H 'Content-Type: application/json' --data "$body"}) \
        || { rm -f "$out"; die "$method $path: the Api did not answer$(api_alive || echo ': its process is gone'); see $WORK/api.log"; }
    if [[ $status != "$expected" ]]; then
        cat "$out" >&2; rm -f "$out"
        die "$method $path returned HTTP $status, expected $expected"
    fi
    cat "$out"; rm -f "$out"
}

api_alive() { [[ -n $API_PID ]] && kill -0 "$API_PID" 2>/dev/null; }

# rss_kb FIELD: VmRSS or VmHWM of the Api process, in kB.
rss_kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$API_PID/status" 2>/dev/null || echo 0; }

# poll PATH STATUS_EXPR: GETs PATH every 0.2 s until STATUS_EXPR (Python over the body `d`, `j`) is neither pending nor
# running, sampling the Api's VmRSS on each round; prints the last body and leaves the peak (kB) in $WORK/peak_rss_kb.
# One Python process does it all, so polling does not steal CPU from the measured work on a small machine.
poll() {
    python3 - "$API_URL$1" "$TOKEN" "$2" "$API_PID" "$WORK/peak_rss_kb" <<'PY'
import json, sys, time, urllib.request
url, token, expr, pid, rss_file = sys.argv[1:]

def rss_kb():
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0)
    except OSError:
        return 0

peak = rss_kb()
request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
while True:
    peak = max(peak, rss_kb())
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read().decode()
    except Exception as e:
        alive = rss_kb() > 0
        sys.exit(f"GET {url} failed: {e}" + ("" if alive else " (the Api process is gone; see api.log)"))
    d = json.loads(body)
    j = d.get("job", d)  # a backup detail: job fields nested or at the top
    if eval(expr, {}, {"d": d, "j": j}) not in ("pending", "running"):
        break
    time.sleep(0.2)
with open(rss_file, "w") as f:
    f.write(str(peak))
print(body)
PY
}

# Flush dirty buffers and page cache writes so one measurement does not pay for the previous one.
settle() { sql -d postgres -c 'CHECKPOINT' >/dev/null; sync; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# warn_if_busy: prints a warning when the 1-minute load average is above half the number of cores.
warn_if_busy() {
    [[ $(awk -v n="$(nproc)" '{ print ($1 > n / 2) }' /proc/loadavg) == 1 ]] \
        && echo "WARNING: the machine is busy (load average $(cut -d' ' -f1-3 /proc/loadavg)); timings will be noisy" >&2
    return 0
}

# ---------------------------------------------------------------- stopping what a run started
stop_api() {
    if [[ -n $API_PID ]] && kill -0 "$API_PID" 2>/dev/null; then
        log "stopping the Api (pid $API_PID)"
        kill -TERM "$API_PID"
        for _ in $(seq 50); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$API_PID" 2>/dev/null && kill -KILL "$API_PID"
        wait "$API_PID" 2>/dev/null
    fi
    return 0
}

# pg_stop DATADIR: fast shutdown of a cluster run by the postgres OS user, if it is running.
pg_stop() {
    [[ -f $1/postmaster.pid ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$1" stop -m fast >/dev/null
    return 0
}

# stop_cluster: stops the benchmark's own cluster, if it is running.
stop_cluster() {
    if [[ -f $PGDATA/postmaster.pid ]]; then
        log "stopping PostgreSQL"
        pg_stop "$PGDATA"
    fi
}

# finish_work: deletes $WORK with BENCH_KEEP=0, otherwise says where it is.
finish_work() {
    if [[ ${KEEP:-1} == 0 ]]; then
        rm -rf "$WORK"
    else
        echo "Work files kept in $WORK (BENCH_KEEP=0 deletes them)." >&2
    fi
}

# ---------------------------------------------------------------- preflight
# preflight PG_TOOL...: root, BENCH_SCALE/BENCH_REPEAT, the PostgreSQL tools named, curl/python3/openssl/dotnet/runuser,
# the postgres OS user, a cluster left running by an interrupted earlier run (ours to stop), and free ports.
preflight() {
    [[ $EUID -eq 0 ]] || die "run as root (initdb/postgres are started as the postgres user via runuser)"
    [[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be a positive integer, got '$SCALE'"
    [[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer, got '$REPEAT'"
    local tool
    for tool in "$@"; do
        [[ -x $PGBIN/$tool ]] || die "$PGBIN/$tool not found (set PG_BIN_DIR)"
    done
    for tool in curl python3 openssl dotnet runuser; do
        command -v "$tool" >/dev/null || die "$tool is not installed"
    done
    id postgres >/dev/null 2>&1 || die "there is no 'postgres' OS user"
    # A cluster left running by an interrupted earlier run is ours to stop.
    if [[ -f $PGDATA/postmaster.pid ]]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null 2>&1 || true
    fi
    port_free "$PORT" || die "port $PORT is in use"
    port_free "$API_PORT" || die "port $API_PORT is in use (another Api still running?)"
}

# ---------------------------------------------------------------- 1. cluster
# init_cluster: a fresh $WORK with an initdb'd (not yet started) cluster in $PGDATA.
init_cluster() {
    log "fresh PostgreSQL cluster in $PGDATA (port $PORT)"
    rm -rf "$WORK"
    mkdir -p "$PGDATA" "$PGSOCK" "$WORK/storage"
    touch "$WORK/postgres.log"
    chown postgres:postgres "$PGDATA" "$PGSOCK" "$WORK/postgres.log"
    chmod 700 "$PGDATA"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust >"$WORK/initdb.log" 2>&1 \
        || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
}

# start_cluster: starts $PGDATA on 127.0.0.1:$PORT.
start_cluster() {
    # autovacuum is off and checkpoints only happen when we ask, so background work does not land inside a measurement.
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w -t 60 start \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k $PGSOCK -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=30min -c autovacuum=off" \
        >/dev/null || { tail -n 30 "$WORK/postgres.log" >&2; die "PostgreSQL did not start"; }
}

# ---------------------------------------------------------------- 2. data
# build_benchdb: pgbench -i -s $SCALE plus $TEXT_ROWS rows of random text, frozen; sets DB_BYTES.
build_benchdb() {
    log "building benchdb: pgbench -i -s $SCALE plus $TEXT_ROWS rows of random text"
    pgtool createdb benchdb
    pgtool pgbench -i -q -s "$SCALE" benchdb >"$WORK/pgbench.log" 2>&1 || { tail "$WORK/pgbench.log" >&2; die "pgbench -i failed"; }
    sql -d benchdb <<SQL || die "loading bench_text failed"
create table bench_text (id bigint primary key, body text not null, tag text not null, created_at timestamptz not null);
insert into bench_text
select g, md5(random()::text) || md5(random()::text), md5(random()::text), now() - random() * interval '365 days'
from generate_series(1, $TEXT_ROWS) g;
create index on bench_text (tag);
SQL
    # Freezing sets hint bits now, so the first dump does not pay for writing them.
    sql -d benchdb -c 'VACUUM (FREEZE, ANALYZE)' || die "VACUUM failed"
    DB_BYTES=$(sql -d benchdb -c "select pg_database_size('benchdb')")
    echo "benchdb: $((DB_BYTES / 1024 / 1024)) MB" >&2
}

# ---------------------------------------------------------------- 3. publish
publish_api() {
    log "dotnet publish Api -> $WORK/api"
    dotnet publish "$ROOT/Api/Api.csproj" -c Release -o "$WORK/api" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
        || { tail -n 40 "$WORK/publish.log" >&2; die "dotnet publish failed (see $WORK/publish.log)"; }
    [[ -f $WORK/api/BackupPortal.Api.dll ]] || die "publish produced no BackupPortal.Api.dll"
}

# ---------------------------------------------------------------- 4. Api
# start_api [NAME=VALUE...]: starts the published Api in the background (extra settings as environment) and waits
# until it is ready; sets API_PID.
start_api() {
    log "starting the Api on $API_URL"
    # --contentRoot: the published appsettings.json (log levels) is read from there, not from the current directory.
    env ConnectionStrings__Catalog="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=bp_catalog" \
        BACKUP_STORAGE_PATH="$WORK/storage" \
        BACKUP_ENCRYPTION_KEY="$(openssl rand -base64 32)" \
        BACKUPPORTAL_CLIENT_ID=bench \
        BACKUPPORTAL_CLIENT_SECRET="$CLIENT_SECRET" \
        PG_BIN_DIR="$PGBIN" \
        Worker__Concurrency=1 \
        "$@" \
        dotnet "$WORK/api/BackupPortal.Api.dll" --urls "$API_URL" --contentRoot "$WORK/api" >"$WORK/api.log" 2>&1 &
    API_PID=$!
    local i
    for i in $(seq 240); do
        kill -0 "$API_PID" 2>/dev/null || { tail -n 40 "$WORK/api.log" >&2; die "the Api exited during startup"; }
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$API_URL/health/ready") == 200 ]] && break
        (( i == 240 )) && { tail -n 40 "$WORK/api.log" >&2; die "the Api was not ready after 60 s"; }
        sleep 0.25
    done
    echo "Api ready (pid $API_PID, RSS $(( $(rss_kb VmRSS) / 1024 )) MB idle)" >&2
}

# ---------------------------------------------------------------- 5-6. token and source
# get_token: a client-credentials token for the bench client; sets TOKEN.
get_token() {
    TOKEN=$(curl -sS -X POST "$API_URL/connect/token" -d grant_type=client_credentials -d client_id=bench \
        -d client_secret="$CLIENT_SECRET" | json 'd["access_token"]') || die "could not get a token"
    [[ -n $TOKEN ]] || die "the token endpoint returned no access_token"
}

# register_source: registers benchdb on our cluster as a source; sets SOURCE_ID.
register_source() {
    SOURCE_ID=$(api POST /api/v1/sources "{\"name\":\"bench\",\"host\":\"127.0.0.1\",\"port\":$PORT,\"database\":\"benchdb\",\"username\":\"postgres\",\"password\":\"x\",\"sslMode\":\"disable\"}" 201 \
        | json 'd["id"]')
    echo "source $SOURCE_ID" >&2
}
