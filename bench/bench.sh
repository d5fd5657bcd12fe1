#!/usr/bin/env bash
# BackupPortal benchmark: our backup/restore against plain pg_dump/pg_restore on the same data.
#
#   bench/bench.sh                     # default: BENCH_SCALE=30 (~1 GB database)
#   BENCH_SCALE=2 bench/bench.sh       # quick smoke run
#   BENCH_KEEP=0 bench/bench.sh        # delete bench/.work afterwards
#   BENCH_REPEAT=3 bench/bench.sh      # three rounds, best time of each reported (for a busy machine)
#   BENCH_STRICT=1 bench/bench.sh      # exit 3 when a target is missed
#
# Runs as root on Debian 12 with PostgreSQL 15 binaries; everything lives in bench/.work/.
set -euo pipefail

# ---------------------------------------------------------------- settings
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
WORK="$ROOT/bench/.work"
PGBIN=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
PORT=56543
API_PORT=5099
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

# Targets: our time may exceed the raw tool's by at most 5 %; the Api stays under 150 MB resident.
TARGET_RATIO=1.05
TARGET_RSS_MB=150

# ---------------------------------------------------------------- helpers
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

cleanup() {
    local rc=$?
    set +e
    if [[ -n $API_PID ]] && kill -0 "$API_PID" 2>/dev/null; then
        log "stopping the Api (pid $API_PID)"
        kill -TERM "$API_PID"
        for _ in $(seq 50); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$API_PID" 2>/dev/null && kill -KILL "$API_PID"
        wait "$API_PID" 2>/dev/null
    fi
    if [[ -f $PGDATA/postmaster.pid ]]; then
        log "stopping PostgreSQL"
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null
    fi
    if [[ $KEEP == 0 ]]; then
        rm -rf "$WORK"
    else
        echo "Work files kept in $WORK (BENCH_KEEP=0 deletes them)." >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- preflight
[[ $EUID -eq 0 ]] || die "run as root (initdb/postgres are started as the postgres user via runuser)"
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be a positive integer, got '$SCALE'"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer, got '$REPEAT'"
for tool in initdb pg_ctl postgres psql pgbench pg_dump pg_restore createdb; do
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

# ---------------------------------------------------------------- 1. cluster
log "fresh PostgreSQL cluster in $PGDATA (port $PORT)"
rm -rf "$WORK"
mkdir -p "$PGDATA" "$PGSOCK" "$WORK/storage"
touch "$WORK/postgres.log"
chown postgres:postgres "$PGDATA" "$PGSOCK" "$WORK/postgres.log"
chmod 700 "$PGDATA"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
# autovacuum is off and checkpoints only happen when we ask, so background work does not land inside a measurement.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w -t 60 start \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $PGSOCK -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=30min -c autovacuum=off" \
    >/dev/null || { tail -n 30 "$WORK/postgres.log" >&2; die "PostgreSQL did not start"; }

# ---------------------------------------------------------------- 2. data
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

# ---------------------------------------------------------------- 3. publish
log "dotnet publish Api -> $WORK/api"
dotnet publish "$ROOT/Api/Api.csproj" -c Release -o "$WORK/api" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { tail -n 40 "$WORK/publish.log" >&2; die "dotnet publish failed (see $WORK/publish.log)"; }
[[ -f $WORK/api/BackupPortal.Api.dll ]] || die "publish produced no BackupPortal.Api.dll"

# ---------------------------------------------------------------- 4. Api
log "starting the Api on $API_URL"
# --contentRoot: the published appsettings.json (log levels) is read from there, not from the current directory.
ConnectionStrings__Catalog="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=bp_catalog" \
BACKUP_STORAGE_PATH="$WORK/storage" \
BACKUP_ENCRYPTION_KEY="$(openssl rand -base64 32)" \
BACKUPPORTAL_CLIENT_ID=bench \
BACKUPPORTAL_CLIENT_SECRET="$CLIENT_SECRET" \
PG_BIN_DIR="$PGBIN" \
Worker__Concurrency=1 \
    dotnet "$WORK/api/BackupPortal.Api.dll" --urls "$API_URL" --contentRoot "$WORK/api" >"$WORK/api.log" 2>&1 &
API_PID=$!
for i in $(seq 240); do
    kill -0 "$API_PID" 2>/dev/null || { tail -n 40 "$WORK/api.log" >&2; die "the Api exited during startup"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$API_URL/health/ready") == 200 ]] && break
    (( i == 240 )) && { tail -n 40 "$WORK/api.log" >&2; die "the Api was not ready after 60 s"; }
    sleep 0.25
done
echo "Api ready (pid $API_PID, RSS $(( $(rss_kb VmRSS) / 1024 )) MB idle)" >&2

# ---------------------------------------------------------------- 5-6. token and source
TOKEN=$(curl -sS -X POST "$API_URL/connect/token" -d grant_type=client_credentials -d client_id=bench \
    -d client_secret="$CLIENT_SECRET" | json 'd["access_token"]') || die "could not get a token"
[[ -n $TOKEN ]] || die "the token endpoint returned no access_token"
SOURCE_ID=$(api POST /api/v1/sources "{\"name\":\"bench\",\"host\":\"127.0.0.1\",\"port\":$PORT,\"database\":\"benchdb\",\"username\":\"postgres\",\"password\":\"x\",\"sslMode\":\"disable\"}" 201 \
    | json 'd["id"]')
echo "source $SOURCE_ID" >&2

# ---------------------------------------------------------------- 7. measurements
# Each round times raw pg_dump, our backup, raw pg_restore and our restore, in that order; with BENCH_REPEAT > 1 the
# best (minimum) time of each is reported, which filters out noise from other work on the machine.
RAW_DUMP=() OUR_DUMP=() OUR_DUMP_API=() RAW_RESTORE=() OUR_RESTORE=() LOADS=()
BACKUP_RSS_KB=0 RESTORE_RSS_KB=0
for round in $(seq "$REPEAT"); do
    (( REPEAT > 1 )) && log "round $round of $REPEAT"
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    [[ $(awk -v n="$(nproc)" '{ print ($1 > n / 2) }' /proc/loadavg) == 1 ]] \
        && echo "WARNING: the machine is busy (load average $(cut -d' ' -f1-3 /proc/loadavg)); timings will be noisy" >&2

    # -- 7a. raw pg_dump
    settle
    log "raw: pg_dump -Fc"
    t0=$(now)
    pgtool pg_dump -Fc -f "$WORK/raw.dump" benchdb || die "pg_dump failed"
    RAW_DUMP+=("$(elapsed "$t0" "$(now)")")
    DUMP_BYTES=$(stat -c %s "$WORK/raw.dump")
    echo "pg_dump: ${RAW_DUMP[-1]} s, $((DUMP_BYTES / 1024 / 1024)) MB" >&2

    # -- 7b. our backup (the poller samples the Api's RSS every 0.2 s)
    settle
    log "ours: POST /api/v1/backups"
    t0=$(now)
    BACKUP_ID=$(api POST /api/v1/backups "{\"sourceId\":\"$SOURCE_ID\",\"backupType\":\"full\"}" 202 | json 'd["id"]')
    BACKUP_JSON=$(poll "/api/v1/backups/$BACKUP_ID" 'j["status"]') || die "polling backup $BACKUP_ID failed"
    OUR_DUMP+=("$(elapsed "$t0" "$(now)")")
    rss=$(cat "$WORK/peak_rss_kb"); (( rss > BACKUP_RSS_KB )) && BACKUP_RSS_KB=$rss
    status=$(json 'j["status"]' <<<"$BACKUP_JSON")
    [[ $status == completed ]] || die "our backup ended '$status': $(json 'j["errorMessage"]' <<<"$BACKUP_JSON")"
    OUR_DUMP_API+=("$(json 'next((m["value"] for m in d["metrics"] if m["name"] == "duration_seconds"), "nan")' <<<"$BACKUP_JSON")")
    ARTIFACT_BYTES=$(json 'j["fileSizeBytes"]' <<<"$BACKUP_JSON")
    echo "backup: ${OUR_DUMP[-1]} s wall (Api: ${OUR_DUMP_API[-1]} s), peak RSS $((rss / 1024)) MB" >&2

    # The Api verifies every new backup by restoring it; both restores are timed only after that finished.
    log "waiting for the automatic verification of our backup"
    t0=$(now)
    verification=$(poll "/api/v1/backups/$BACKUP_ID" 'j["verificationStatus"]' | json 'j["verificationStatus"]') \
        || die "polling the verification of backup $BACKUP_ID failed"
    VERIFY_S=$(elapsed "$t0" "$(now)")
    echo "verification: $verification (waited ${VERIFY_S} s)" >&2
    [[ $verification == verified ]] || echo "WARNING: verification ended '$verification'; the restore may be refused" >&2

    # -- 7c. raw pg_restore into a fresh database (single job)
    PGOPTIONS=-cclient_min_messages=warning \
        sql -d postgres -c 'drop database if exists bench_raw_restored' -c 'drop database if exists bench_restored' >/dev/null
    pgtool createdb bench_raw_restored
    settle
    log "raw: pg_restore into bench_raw_restored"
    t0=$(now)
    pgtool pg_restore -d bench_raw_restored "$WORK/raw.dump" || die "pg_restore failed"
    RAW_RESTORE+=("$(elapsed "$t0" "$(now)")")
    echo "pg_restore: ${RAW_RESTORE[-1]} s" >&2

    # -- 7d. our restore into a new database
    settle
    log "ours: POST /api/v1/restores into bench_restored"
    t0=$(now)
    RESTORE_ID=$(api POST /api/v1/restores "{\"backupId\":\"$BACKUP_ID\",\"restoreType\":\"full\",\"targetDatabase\":\"bench_restored\",\"reason\":\"benchmark\"}" 202 \
        | json 'd["id"]')
    RESTORE_JSON=$(poll "/api/v1/restores/$RESTORE_ID" 'd["status"]') || die "polling restore $RESTORE_ID failed"
    OUR_RESTORE+=("$(elapsed "$t0" "$(now)")")
    rss=$(cat "$WORK/peak_rss_kb"); (( rss > RESTORE_RSS_KB )) && RESTORE_RSS_KB=$rss
    status=$(json 'd["status"]' <<<"$RESTORE_JSON")
    [[ $status == completed ]] || die "our restore ended '$status': $(json 'd["errorMessage"]' <<<"$RESTORE_JSON")"
    echo "restore: ${OUR_RESTORE[-1]} s, peak RSS $((rss / 1024)) MB" >&2
done
HWM_KB=$(rss_kb VmHWM)

# ---------------------------------------------------------------- 7e. report
log "results"
export S_RAW_DUMP="${RAW_DUMP[*]}" S_OUR_DUMP="${OUR_DUMP[*]}" S_OUR_DUMP_API="${OUR_DUMP_API[*]}" \
    S_RAW_RESTORE="${RAW_RESTORE[*]}" S_OUR_RESTORE="${OUR_RESTORE[*]}" S_LOADS="${LOADS[*]}" \
    BACKUP_RSS_KB RESTORE_RSS_KB HWM_KB DB_BYTES DUMP_BYTES ARTIFACT_BYTES SCALE TEXT_ROWS REPEAT \
    TARGET_RATIO TARGET_RSS_MB VERIFY_S verification
python3 - "$WORK/results.json" <<'PY'
import json, os, sys, datetime
e = os.environ
f = lambda k: float(e[k])
samples = lambda k: [float(x) for x in e["S_" + k].split()]  # one value per round
best = lambda k: min(samples(k))
mb = lambda b: b / 1024 / 1024
ratio_target, rss_target = f("TARGET_RATIO"), f("TARGET_RSS_MB")
repeat = int(e["REPEAT"])
dump_ratio = best("OUR_DUMP") / best("RAW_DUMP")
restore_ratio = best("OUR_RESTORE") / best("RAW_RESTORE")
rss_mb = f("BACKUP_RSS_KB") / 1024
ok = lambda good: "ok" if good else "MISSED"

rows = [
    ("backup   (pg_dump -Fc)", f"{best('RAW_DUMP'):.2f} s", f"{best('OUR_DUMP'):.2f} s", f"{dump_ratio:.3f}x",
     f"<= {ratio_target}x", ok(dump_ratio <= ratio_target)),
    ("restore  (pg_restore)", f"{best('RAW_RESTORE'):.2f} s", f"{best('OUR_RESTORE'):.2f} s", f"{restore_ratio:.3f}x",
     f"<= {ratio_target}x", ok(restore_ratio <= ratio_target)),
    ("Api peak RSS (backup)", "", f"{rss_mb:.1f} MB", "", f"<= {rss_target:.0f} MB", ok(rss_mb <= rss_target)),
    ("Api peak RSS (restore)", "", f"{f('RESTORE_RSS_KB') / 1024:.1f} MB", "", "", ""),
    ("Api VmHWM (lifetime)", "", f"{f('HWM_KB') / 1024:.1f} MB", "", "", ""),
    ("database size", f"{mb(f('DB_BYTES')):.0f} MB", "", "", "", ""),
    ("dump / artifact size", f"{mb(f('DUMP_BYTES')):.1f} MB", f"{mb(f('ARTIFACT_BYTES')):.1f} MB",
     f"{f('ARTIFACT_BYTES') / f('DUMP_BYTES'):.3f}x", "", ""),
]
head = ("", "raw", "ours", "ratio", "target", "")
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
print(f"BackupPortal benchmark, BENCH_SCALE={e['SCALE']} (pgbench -s {e['SCALE']} + {e['TEXT_ROWS']} text rows)"
      + (f", best of {repeat} rounds" if repeat > 1 else ""))
print(line(head))
print("-" * len(line(head)))
for r in rows:
    print(line(r))
print(f"(Api-reported backup duration_seconds: {best('OUR_DUMP_API'):.2f} s; last verification {e['verification']} "
      f"after {f('VERIFY_S'):.1f} s; load average at start of each round: {e['S_LOADS']})")
if repeat > 1:
    for name, k in [("raw pg_dump", "RAW_DUMP"), ("our backup", "OUR_DUMP"), ("raw pg_restore", "RAW_RESTORE"), ("our restore", "OUR_RESTORE")]:
        print(f"  {name:15} rounds: {' '.join(f'{x:.2f}' for x in samples(k))} s")

results = {
    "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "scale": int(e["SCALE"]), "text_rows": int(e["TEXT_ROWS"]), "rounds": repeat,
    "load_average_per_round": samples("LOADS"),
    "database_size_bytes": int(e["DB_BYTES"]), "dump_size_bytes": int(e["DUMP_BYTES"]),
    "artifact_size_bytes": int(float(e["ARTIFACT_BYTES"])),
    "backup": {"raw_seconds": best("RAW_DUMP"), "ours_seconds": best("OUR_DUMP"),
               "ours_api_duration_seconds": best("OUR_DUMP_API"), "ratio": round(dump_ratio, 4),
               "raw_samples": samples("RAW_DUMP"), "ours_samples": samples("OUR_DUMP"),
               "target_ratio": ratio_target, "met": dump_ratio <= ratio_target},
    "restore": {"raw_seconds": best("RAW_RESTORE"), "ours_seconds": best("OUR_RESTORE"), "ratio": round(restore_ratio, 4),
                "raw_samples": samples("RAW_RESTORE"), "ours_samples": samples("OUR_RESTORE"),
                "target_ratio": ratio_target, "met": restore_ratio <= ratio_target},
    "api_rss": {"peak_backup_mb": round(rss_mb, 1), "peak_restore_mb": round(f("RESTORE_RSS_KB") / 1024, 1),
                "vmhwm_mb": round(f("HWM_KB") / 1024, 1), "target_mb": rss_target, "met": rss_mb <= rss_target},
    "verification": {"status": e["verification"], "waited_seconds": f("VERIFY_S")},
}
results["all_targets_met"] = all(results[k]["met"] for k in ("backup", "restore", "api_rss"))
with open(sys.argv[1], "w") as out:
    json.dump(results, out, indent=2)
print(f"\nResults written to {sys.argv[1]}; all targets met: {results['all_targets_met']}")
PY

if [[ $STRICT == 1 ]] && [[ $(json 'd["all_targets_met"]' <"$WORK/results.json") != True ]]; then
    echo "BENCH_STRICT=1: a target was missed" >&2
    exit 3
fi
