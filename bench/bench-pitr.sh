#!/usr/bin/env bash
# BackupPortal point-in-time-recovery benchmark: our base backup and PITR restore against pgBackRest on the same data.
#
#   bench/bench-pitr.sh                     # default: BENCH_SCALE=30 (~1 GB database)
#   BENCH_SCALE=2 bench/bench-pitr.sh       # quick smoke run
#   BENCH_KEEP=0 bench/bench-pitr.sh        # delete bench/.work-pitr afterwards
#   BENCH_REPEAT=3 bench/bench-pitr.sh      # three rounds, best time of each reported (for a busy machine)
#   BENCH_STRICT=1 bench/bench-pitr.sh      # exit 3 when a target is missed
#
# Runs as root on Debian 12 with PostgreSQL 15 binaries and pgBackRest (installed with apt-get when missing);
# everything lives in bench/.work-pitr/. Ports 56544 (PostgreSQL) and 5098 (Api) differ from bench.sh's.
set -euo pipefail

# ---------------------------------------------------------------- settings and helpers
# log, die, sql, json, api, poll, settle, the cluster, data, publish and Api steps: shared with the other benchmarks.
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_settings .work-pitr 56544 5098
CHANGED_ROWS=5000                     # pgbench_accounts rows updated before and again after the target time

STANZA=bench
PGBR="$WORK/pgbackrest"               # pgBackRest's config, repository, logs, locks and spool
PGBR_CONF="$PGBR/pgbackrest.conf"
PGBR_DATA="$WORK/pgbr-restored"       # where pgBackRest restores to
PGBR_SOCK="$WORK/run-restored"
SANDBOX="$WORK/sandbox"               # the Api's Pitr:SandboxPath: its verifications and recovered instances
RESTORE_ID=""                         # our restore whose kept instance may still be running

# Targets: our time may be at most pgBackRest's, for the base backup and for the restore to a point in time.
TARGET_RATIO=1.0

# ---------------------------------------------------------------- helpers

# pgBackRest as the postgres OS user (it owns the repository), with our config and stanza.
pgbr() { runuser -u postgres -- pgbackrest --config="$PGBR_CONF" --stanza="$STANZA" "$@"; }

# Stops instances this script (or the Api it started) left running: pgBackRest's restore and the Api's sandboxes.
stop_instances() {
    local dir
    for dir in "$PGBR_DATA" "$SANDBOX"/*/data; do
        if [[ -f $dir/postmaster.pid ]]; then
            log "stopping the instance in $dir"
            pg_stop "$dir"
        fi
    done
    return 0
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n $RESTORE_ID ]] && api_alive; then
        log "stopping our recovered instance (restore $RESTORE_ID)"
        curl -sS -o /dev/null -X DELETE "$API_URL/api/v1/restores/$RESTORE_ID/instance" -H "Authorization: Bearer $TOKEN"
    fi
    stop_instances
    stop_api
    stop_instances  # a verification the Api was running when it stopped
    stop_cluster
    finish_work
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port FROM: the first port from FROM on that nothing listens on.
free_port() {
    local p
    for p in $(seq "$1" $(( $1 + 100 ))); do port_free "$p" && { echo "$p"; return 0; }; done
    die "no free port in $1..$(( $1 + 100 ))"
}

# wait_for SECONDS WHAT SQL_ARGS...: runs the query every 0.2 s until it prints "t"; dies after SECONDS.
wait_for() {
    local seconds=$1 what=$2 deadline
    shift 2
    deadline=$(( $(date +%s) + seconds ))
    until [[ $(sql "$@" 2>/dev/null) == t ]]; do
        (( $(date +%s) < deadline )) || die "$what: not within $seconds s"
        sleep 0.2
    done
}

# wait_promoted PORT DATADIR LOGFILE: polls the instance until it has left recovery (pg_is_in_recovery() is false).
wait_promoted() {
    local port=$1 dir=$2 logfile=$3 answer deadline=$(( $(date +%s) + 3600 ))
    while true; do
        answer=$("$PGBIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null) || answer=""
        [[ $answer == f ]] && return 0
        if [[ ! -f $dir/postmaster.pid ]] || (( $(date +%s) > deadline )); then
            tail -n 30 "$logfile" >&2
            die "the instance restored by pgBackRest did not come up (log above, in $logfile)"
        fi
        sleep 0.1
    done
}

# check_instance PORT PASSWORD MARK_BEFORE MARK_AFTER: "ok" when the restored benchdb holds the change made before the
# target time on all CHANGED_ROWS rows and none of the change made after it; otherwise what it found.
check_instance() {
    local got
    got=$(PGPASSWORD=$2 "$PGBIN/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d benchdb -c \
        "select count(*) filter (where abalance = $3), count(*) filter (where abalance = $4) from pgbench_accounts where aid <= $CHANGED_ROWS" 2>&1) \
        || got="query failed: $got"
    if [[ $got == "$CHANGED_ROWS|0" ]]; then echo ok; else echo "WRONG (rows with the pre-T change | with the post-T change: $got; expected $CHANGED_ROWS|0)"; fi
}

# cpu_busy: the share (%) of all cores' time that processes other than this run's (the Api, the cluster, and their
# children) keep busy over 2 s, taken between rounds: what other work on the machine uses. The load average is no
# good for that: it also counts this run's own recent work and I/O waits.
cpu_busy() {
    python3 - "$API_PID" "$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null || echo 0)" <<'PY2'
import os, sys, time
roots = {int(p) for p in sys.argv[1:] if p.isdigit() and int(p) > 0}

def snap():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    parent, ticks = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(pid)], ticks[int(pid)] = int(fields[1]), int(fields[11]) + int(fields[12])  # ppid, utime + stime
    ours = set(roots)
    while True:
        more = {p for p, pp in parent.items() if pp in ours} - ours
        if not more:
            break
        ours |= more
    return sum(v), v[3] + v[4], {p: ticks[p] for p in ours if p in ticks}  # total, idle + iowait, our processes

t1, i1, o1 = snap(); time.sleep(2); t2, i2, o2 = snap()
ours = sum(o2[p] - o1.get(p, 0) for p in o2)
print(f"{max(0.0, 100 * ((t2 - t1) - (i2 - i1) - ours) / max(1, t2 - t1)):.0f}")
PY2
}

# wait_idle: waits until none of the source's backups is queued, running or being verified, so no background work of
# the Api overlaps a measurement (enabling point-in-time recovery queues a first base backup by itself).
wait_idle() {
    local t0 busy item body waited=""
    t0=$(now)
    while true; do
        busy=$(api GET "/api/v1/backups?sourceId=$SOURCE_ID&pageSize=200" "" 200 | json '" ".join(
            b["id"] + (":status" if b["status"] in ("pending", "running") else ":verificationStatus") for b in d["items"]
            if b["status"] in ("pending", "running") or (b["status"] == "completed" and b["verificationStatus"] == "pending"))')
        [[ -z $busy ]] && break
        for item in $busy; do
            body=$(poll "/api/v1/backups/${item%%:*}" "j[\"${item#*:}\"]") || die "polling backup ${item%%:*} failed"
            [[ $(json 'j["status"]' <<<"$body") == failed ]] \
                && echo "WARNING: the Api's own backup ${item%%:*} failed: $(json 'j["errorMessage"]' <<<"$body")" >&2
            [[ $waited == *"${item%%:*}"* ]] || waited+=" ${item%%:*}"
        done
    done
    [[ -z $waited ]] || echo "waited $(elapsed "$t0" "$(now)") s for the Api's own work on backups$waited" >&2
}

# ---------------------------------------------------------------- preflight
stop_instances
preflight initdb pg_ctl postgres psql pgbench createdb pg_basebackup pg_receivewal pg_verifybackup pg_waldump
if ! command -v pgbackrest >/dev/null; then
    log "installing pgBackRest: apt-get install -y pgbackrest"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q pgbackrest || { apt-get update -q && apt-get install -y -q pgbackrest; }; } >&2 \
        || die "could not install pgbackrest with apt-get"
fi
PGBR_VERSION=$(pgbackrest version)
[[ $PGBR_VERSION == "pgBackRest 2.45" ]] || echo "WARNING: expected pgBackRest 2.45, found '$PGBR_VERSION'" >&2

# ---------------------------------------------------------------- 1. cluster, with pgBackRest archiving
init_cluster
mkdir -p "$PGBR/repo" "$PGBR/log" "$PGBR/lock" "$PGBR/spool" "$PGBR_SOCK"
# Same compression family and level as ours (.NET GZip CompressionLevel.Fastest is zlib level 1), one process, and a
# fast checkpoint at the start like our pg_basebackup --checkpoint=fast. Nothing expires during the run.
cat >"$PGBR_CONF" <<EOF
[global]
repo1-path=$PGBR/repo
repo1-retention-full=$REPEAT
log-path=$PGBR/log
lock-path=$PGBR/lock
spool-path=$PGBR/spool
process-max=1
compress-type=gz
compress-level=1
start-fast=y
log-level-console=warn
log-level-file=info

[$STANZA]
pg1-path=$PGDATA
pg1-port=$PORT
pg1-socket-path=$PGSOCK
EOF
chown -R postgres:postgres "$PGBR" "$PGBR_SOCK"
# pgBackRest gets the WAL through archive_command; we get it through our own replication slot (independent of it).
cat >>"$PGDATA/postgresql.conf" <<EOF

# bench-pitr.sh
archive_mode = on
archive_command = 'pgbackrest --config=$PGBR_CONF --stanza=$STANZA archive-push %p'
EOF
start_cluster
echo "wal_level $(sql -d postgres -c 'show wal_level'), max_wal_senders $(sql -d postgres -c 'show max_wal_senders'), archive_mode $(sql -d postgres -c 'show archive_mode')" >&2

log "$PGBR_VERSION: stanza-create and check"
pgbr stanza-create || die "pgbackrest stanza-create failed (see $PGBR/log)"
pgbr check || die "pgbackrest check failed (see $PGBR/log and $WORK/postgres.log)"

# ---------------------------------------------------------------- 2. data
build_benchdb

# ---------------------------------------------------------------- 3. publish
publish_api

# ---------------------------------------------------------------- 4. Api
start_api Pitr__SandboxPath="$SANDBOX"

# ---------------------------------------------------------------- 5-6. token, source, continuous archiving
get_token
register_source
log "ours: POST /api/v1/sources/$SOURCE_ID/pitr/enable"
api POST "/api/v1/sources/$SOURCE_ID/pitr/enable" "{}" 200 >/dev/null
for i in $(seq 150); do
    SOURCE_JSON=$(api GET "/api/v1/sources/$SOURCE_ID" "" 200)
    [[ -n $(json 'd["walReceiverSeenAt"]' <<<"$SOURCE_JSON") ]] && break
    (( i == 150 )) && die "our WAL receiver did not start within 30 s: $(json 'd["walReceiverError"]' <<<"$SOURCE_JSON")"
    sleep 0.2
done
echo "WAL receiver running (slot $(json 'd["replicationSlot"]' <<<"$SOURCE_JSON"))" >&2
log "waiting for backups the Api queued by itself (and their verification)"
wait_idle

# ---------------------------------------------------------------- 7. measurements
# Each round: pgBackRest's full backup, our base backup, our base's automatic verification (waited for, not timed
# against anything); a change, the target time T, another change and a WAL switch that both archives receive; then
# pgBackRest's restore to T and ours, in that order. With BENCH_REPEAT > 1 the best (minimum) time of each is reported.
PGBR_BACKUP=() OUR_BACKUP=() OUR_BACKUP_API=() PGBR_RESTORE=() PGBR_RESTORE_FILES=() PGBR_RESTORE_START=() OUR_RESTORE=()
LOADS=() CPU_BUSY=() VERIFY_WAITS=() PGBR_ARCHIVE_WAITS=() OUR_ARCHIVE_WAITS=() PGBR_CHECKS=() OUR_CHECKS=()
for round in $(seq "$REPEAT"); do
    (( REPEAT > 1 )) && log "round $round of $REPEAT"
    wait_idle
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    warn_if_busy
    CPU_BUSY+=("$(cpu_busy)")
    (( CPU_BUSY[-1] > 25 )) && echo "WARNING: other work keeps the CPUs ${CPU_BUSY[-1]} % busy while this run is idle; timings will be noisy" >&2

    # -- 7a. pgBackRest full backup
    settle
    log "pgBackRest: backup --type=full"
    t0=$(now)
    pgbr --type=full backup || die "pgbackrest backup failed (see $PGBR/log)"
    PGBR_BACKUP+=("$(elapsed "$t0" "$(now)")")
    PGBR_INFO=$(pgbr --output=json info) || die "pgbackrest info failed"
    PGBR_BYTES=$(json 'd[0]["backup"][-1]["info"]["repository"]["delta"]' <<<"$PGBR_INFO")
    echo "pgBackRest backup: ${PGBR_BACKUP[-1]} s, $((PGBR_BYTES / 1024 / 1024)) MB in the repository" >&2

    # -- 7b. our base backup
    settle
    log "ours: POST /api/v1/backups (base)"
    t0=$(now)
    BACKUP_ID=$(api POST /api/v1/backups "{\"sourceId\":\"$SOURCE_ID\",\"backupType\":\"base\"}" 202 | json 'd["id"]')
    BACKUP_JSON=$(poll "/api/v1/backups/$BACKUP_ID" 'j["status"]') || die "polling backup $BACKUP_ID failed"
    OUR_BACKUP+=("$(elapsed "$t0" "$(now)")")
    status=$(json 'j["status"]' <<<"$BACKUP_JSON")
    [[ $status == completed ]] || { echo "$BACKUP_JSON" >&2; die "our base backup ended '$status': $(json 'j["errorMessage"]' <<<"$BACKUP_JSON")"; }
    OUR_BACKUP_API+=("$(json 'next((m["value"] for m in d.get("metrics", []) if m["name"] == "duration_seconds"), "nan")' <<<"$BACKUP_JSON")")
    OUR_BYTES=$(json 'j["fileSizeBytes"]' <<<"$BACKUP_JSON")
    echo "our base backup: ${OUR_BACKUP[-1]} s wall (Api: ${OUR_BACKUP_API[-1]} s), $((OUR_BYTES / 1024 / 1024)) MB stored" >&2

    # The Api verifies every new base by restoring it in a sandbox; the restores are timed only after that finished.
    log "waiting for the automatic verification of our base backup"
    t0=$(now)
    verification=$(poll "/api/v1/backups/$BACKUP_ID" 'j["verificationStatus"]' | json 'j["verificationStatus"]') \
        || die "polling the verification of backup $BACKUP_ID failed"
    VERIFY_WAITS+=("$(elapsed "$t0" "$(now)")")
    echo "verification: $verification (waited ${VERIFY_WAITS[-1]} s)" >&2
    [[ $verification == verified ]] || echo "WARNING: verification ended '$verification'; the restore may be refused" >&2

    # -- 7c. a change, the target time, another change, and a WAL switch both archives must receive
    mark_before=$((1000000 + round)) mark_after=$((2000000 + round))
    log "update $CHANGED_ROWS rows, note the target time T, update them again, switch WAL"
    sql -d benchdb -c "update pgbench_accounts set abalance = $mark_before where aid <= $CHANGED_ROWS" >/dev/null
    sleep 1
    target=$(sql -d postgres -c "select to_char(t at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '|' ||
                                        to_char(t at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS.US\"+00\"') from (select clock_timestamp() t) s")
    T_RFC=${target%%|*} T_PGBR=${target#*|}
    sleep 1
    sql -d benchdb -c "update pgbench_accounts set abalance = $mark_after where aid <= $CHANGED_ROWS" >/dev/null
    SEGMENT=$(sql -d postgres -c 'select pg_walfile_name(pg_switch_wal())')
    echo "T = $T_RFC; WAL switched after segment $SEGMENT" >&2
    t0=$(now)
    wait_for 120 "pgBackRest's archive_command did not archive $SEGMENT" -d postgres \
        -c "select coalesce(last_archived_wal >= '$SEGMENT', false) from pg_stat_archiver"
    PGBR_ARCHIVE_WAITS+=("$(elapsed "$t0" "$(now)")")
    wait_for 120 "our WAL archive did not receive $SEGMENT" -d bp_catalog \
        -c "select exists(select 1 from wal_segments where source_id = '$SOURCE_ID' and file_name = '$SEGMENT')"
    OUR_ARCHIVE_WAITS+=("$(elapsed "$t0" "$(now)")")
    echo "archived: pgBackRest after ${PGBR_ARCHIVE_WAITS[-1]} s, ours after ${OUR_ARCHIVE_WAITS[-1]} s" >&2

    # -- 7d. pgBackRest: restore to T into an empty directory, start, wait until promoted
    pg_stop "$PGBR_DATA"
    rm -rf "$PGBR_DATA"
    mkdir -p "$PGBR_DATA"
    chown postgres:postgres "$PGBR_DATA"
    chmod 700 "$PGBR_DATA"
    : >"$WORK/pgbr-restored.log"
    chown postgres:postgres "$WORK/pgbr-restored.log"
    RPORT=$(free_port 56545)
    settle
    log "pgBackRest: restore --type=time --target='$T_PGBR' --target-action=promote, start on port $RPORT"
    t0=$(now)
    pgbr --pg1-path="$PGBR_DATA" --type=time "--target=$T_PGBR" --target-action=promote --archive-mode=off restore \
        || die "pgbackrest restore failed (see $PGBR/log)"
    t1=$(now)
    # pg_ctl -w returns once the server accepts connections (in hot standby, that can be before the promotion).
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGBR_DATA" -l "$WORK/pgbr-restored.log" -w -t 3600 start \
        -o "-p $RPORT -c listen_addresses=127.0.0.1 -k $PGBR_SOCK" >/dev/null \
        || { tail -n 30 "$WORK/pgbr-restored.log" >&2; die "the instance restored by pgBackRest did not start"; }
    wait_promoted "$RPORT" "$PGBR_DATA" "$WORK/pgbr-restored.log"
    t2=$(now)
    PGBR_RESTORE+=("$(elapsed "$t0" "$t2")") PGBR_RESTORE_FILES+=("$(elapsed "$t0" "$t1")") PGBR_RESTORE_START+=("$(elapsed "$t1" "$t2")")
    PGBR_CHECKS+=("$(check_instance "$RPORT" "" "$mark_before" "$mark_after")")
    echo "pgBackRest PITR: ${PGBR_RESTORE[-1]} s (restore ${PGBR_RESTORE_FILES[-1]} s + start/replay/promote ${PGBR_RESTORE_START[-1]} s); data: ${PGBR_CHECKS[-1]}" >&2
    pg_stop "$PGBR_DATA"  # its files stay until the next round or the end, for inspection

    # -- 7e. ours: POST /api/v1/restores (point_in_time, keepInstance) until completed
    settle
    log "ours: POST /api/v1/restores point_in_time to $T_RFC, keepInstance"
    t0=$(now)
    RESTORE_ID=$(api POST /api/v1/restores "{\"restoreType\":\"point_in_time\",\"sourceId\":\"$SOURCE_ID\",\"targetTime\":\"$T_RFC\",\"keepInstance\":true,\"reason\":\"bench\"}" 202 \
        | json 'd["id"]')
    RESTORE_JSON=$(poll "/api/v1/restores/$RESTORE_ID" 'd["status"]') || die "polling restore $RESTORE_ID failed"
    OUR_RESTORE+=("$(elapsed "$t0" "$(now)")")
    status=$(json 'd["status"]' <<<"$RESTORE_JSON")
    if [[ $status != completed ]]; then
        echo "$RESTORE_JSON" >&2
        grep -E 'Restore|fail|FATAL|PANIC' "$WORK/api.log" | tail -n 20 >&2
        die "our point-in-time restore ended '$status': $(json 'd["errorMessage"]' <<<"$RESTORE_JSON")"
    fi
    OUR_TIMINGS=$(python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin).get("timings") or {}))' <<<"$RESTORE_JSON")
    OUR_REPLAY_END=$(json 'd["replayEndTime"]' <<<"$RESTORE_JSON")
    OUR_CHECKS+=("$(check_instance "$(json 'd["instance"]["port"]' <<<"$RESTORE_JSON")" "$(json 'd["instance"]["password"]' <<<"$RESTORE_JSON")" \
        "$mark_before" "$mark_after")")
    echo "our PITR: ${OUR_RESTORE[-1]} s (Api timings: $OUR_TIMINGS; replayed to $OUR_REPLAY_END); data: ${OUR_CHECKS[-1]}" >&2
    api DELETE "/api/v1/restores/$RESTORE_ID/instance" "" 200 >/dev/null
    RESTORE_ID=""
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
CLUSTER_BYTES=$(sql -d postgres -c 'select sum(pg_database_size(datname)) from pg_database')  # what both physical backups copy

# ---------------------------------------------------------------- 8. report
log "results"
join_checks() { local IFS=$'\x1f'; echo "$*"; }
export S_PGBR_BACKUP="${PGBR_BACKUP[*]}" S_OUR_BACKUP="${OUR_BACKUP[*]}" S_OUR_BACKUP_API="${OUR_BACKUP_API[*]}" \
    S_PGBR_RESTORE="${PGBR_RESTORE[*]}" S_PGBR_RESTORE_FILES="${PGBR_RESTORE_FILES[*]}" S_PGBR_RESTORE_START="${PGBR_RESTORE_START[*]}" \
    S_OUR_RESTORE="${OUR_RESTORE[*]}" S_LOADS="${LOADS[*]}" S_CPU_BUSY="${CPU_BUSY[*]}" S_VERIFY_WAITS="${VERIFY_WAITS[*]}" \
    S_PGBR_ARCHIVE_WAITS="${PGBR_ARCHIVE_WAITS[*]}" S_OUR_ARCHIVE_WAITS="${OUR_ARCHIVE_WAITS[*]}" \
    C_PGBR="$(join_checks "${PGBR_CHECKS[@]}")" C_OUR="$(join_checks "${OUR_CHECKS[@]}")" \
    DB_BYTES CLUSTER_BYTES PGBR_BYTES OUR_BYTES OUR_TIMINGS SCALE TEXT_ROWS REPEAT TARGET_RATIO verification LOAD_END PGBR_VERSION CHANGED_ROWS
python3 - "$WORK/results.json" <<'PY'
import json, os, sys, datetime
e = os.environ
samples = lambda k: [float(x) for x in e["S_" + k].split()]  # one value per round
best = lambda k: min(samples(k))
mb = lambda b: float(b) / 1024 / 1024
target = float(e["TARGET_RATIO"])
repeat = int(e["REPEAT"])
checks = lambda k: e[k].split("\x1f")
pgbr_ok, our_ok = all(c == "ok" for c in checks("C_PGBR")), all(c == "ok" for c in checks("C_OUR"))
backup_ratio = best("OUR_BACKUP") / best("PGBR_BACKUP")
restore_ratio = best("OUR_RESTORE") / best("PGBR_RESTORE")
timings = json.loads(e["OUR_TIMINGS"] or "{}")
order = ["fetch_base_seconds", "verify_base_seconds", "fetch_wal_seconds", "replay_seconds"]  # the Api's steps, in order
timings = {k: timings[k] for k in sorted(timings, key=lambda k: order.index(k) if k in order else len(order))}
ok = lambda good: "ok" if good else "MISSED"

rows = [
    ("base backup", f"{best('PGBR_BACKUP'):.2f} s", f"{best('OUR_BACKUP'):.2f} s", f"{backup_ratio:.3f}x",
     f"<= {target}x", ok(backup_ratio <= target)),
    ("PITR restore, up and promoted", f"{best('PGBR_RESTORE'):.2f} s", f"{best('OUR_RESTORE'):.2f} s", f"{restore_ratio:.3f}x",
     f"<= {target}x", ok(restore_ratio <= target)),
    ("restored data as of T", "ok" if pgbr_ok else "WRONG", "ok" if our_ok else "WRONG", "", "pre-T in, post-T out",
     ok(pgbr_ok and our_ok)),
    ("  restore files (pgBackRest)", f"{best('PGBR_RESTORE_FILES'):.2f} s", "", "", "", ""),
    ("  start, replay, promote", f"{best('PGBR_RESTORE_START'):.2f} s", "", "", "", ""),
] + [(f"  {k} (ours, last round)", "", f"{v:.2f} s", "", "", "") for k, v in timings.items()] + [
    ("backup size", f"{mb(e['PGBR_BYTES']):.1f} MB", f"{mb(e['OUR_BYTES']):.1f} MB",
     f"{float(e['OUR_BYTES']) / float(e['PGBR_BYTES']):.3f}x", "", ""),
    ("benchdb / whole cluster size", f"{mb(e['DB_BYTES']):.0f} / {mb(e['CLUSTER_BYTES']):.0f} MB", "", "", "", ""),
]
head = ("", "pgBackRest", "ours", "ratio", "target", "")
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
print(f"BackupPortal PITR benchmark vs {e['PGBR_VERSION']}, BENCH_SCALE={e['SCALE']} (pgbench -s {e['SCALE']} + {e['TEXT_ROWS']} text rows)"
      + (f", best of {repeat} rounds" if repeat > 1 else ""))
print(line(head))
print("-" * len(line(head)))
for r in rows:
    print(line(r))
print(f"(Api-reported base backup duration_seconds: {best('OUR_BACKUP_API'):.2f} s; verification of our last base: {e['verification']}, "
      f"waited {samples('VERIFY_WAITS')[-1]:.1f} s after it completed; WAL switch archived after "
      f"{samples('PGBR_ARCHIVE_WAITS')[-1]:.1f} s by pgBackRest, {samples('OUR_ARCHIVE_WAITS')[-1]:.1f} s by ours)")
print(f"(load average at the start of each round: {e['S_LOADS']}; at the end: {e['LOAD_END']}; {os.cpu_count()} cores; "
      f"CPU busy with other work just before each round: {' '.join(f'{x:.0f} %' for x in samples('CPU_BUSY'))})")
for name, k in [("pgBackRest", "C_PGBR"), ("ours", "C_OUR")]:
    for i, c in enumerate(checks(k)):
        if c != "ok":
            print(f"DATA CHECK FAILED, {name}, round {i + 1}: {c}")
if repeat > 1:
    for name, k in [("pgBackRest backup", "PGBR_BACKUP"), ("our backup", "OUR_BACKUP"),
                    ("pgBackRest PITR", "PGBR_RESTORE"), ("our PITR", "OUR_RESTORE")]:
        print(f"  {name:17} rounds: {' '.join(f'{x:.2f}' for x in samples(k))} s")

results = {
    "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "pgbackrest_version": e["PGBR_VERSION"],
    "scale": int(e["SCALE"]), "text_rows": int(e["TEXT_ROWS"]), "rounds": repeat, "changed_rows": int(e["CHANGED_ROWS"]),
    "cores": os.cpu_count(), "load_average_per_round": samples("LOADS"),
    "other_cpu_busy_percent_per_round": samples("CPU_BUSY"), "load_average_end": e["LOAD_END"],
    "database_size_bytes": int(e["DB_BYTES"]), "cluster_size_bytes": int(e["CLUSTER_BYTES"]),
    "base_backup": {"pgbackrest_seconds": best("PGBR_BACKUP"), "ours_seconds": best("OUR_BACKUP"),
                    "ours_api_duration_seconds": best("OUR_BACKUP_API"), "ratio": round(backup_ratio, 4),
                    "pgbackrest_samples": samples("PGBR_BACKUP"), "ours_samples": samples("OUR_BACKUP"),
                    "pgbackrest_repo_bytes": int(float(e["PGBR_BYTES"])), "ours_artifact_bytes": int(float(e["OUR_BYTES"])),
                    "target_ratio": target, "met": backup_ratio <= target},
    "pitr_restore": {"pgbackrest_seconds": best("PGBR_RESTORE"), "ours_seconds": best("OUR_RESTORE"), "ratio": round(restore_ratio, 4),
                     "pgbackrest_samples": samples("PGBR_RESTORE"), "ours_samples": samples("OUR_RESTORE"),
                     "pgbackrest_restore_files_samples": samples("PGBR_RESTORE_FILES"),
                     "pgbackrest_start_to_promoted_samples": samples("PGBR_RESTORE_START"),
                     "ours_api_timings_last_round": timings,
                     "target_ratio": target, "met": restore_ratio <= target},
    "data_check": {"pgbackrest": checks("C_PGBR"), "ours": checks("C_OUR"), "met": pgbr_ok and our_ok},
    "verification": {"status": e["verification"], "waited_seconds": samples("VERIFY_WAITS")},
    "archive_wait_seconds": {"pgbackrest": samples("PGBR_ARCHIVE_WAITS"), "ours": samples("OUR_ARCHIVE_WAITS")},
}
results["all_targets_met"] = all(results[k]["met"] for k in ("base_backup", "pitr_restore", "data_check"))
with open(sys.argv[1], "w") as out:
    json.dump(results, out, indent=2)
print(f"\nResults written to {sys.argv[1]}; all targets met: {results['all_targets_met']}")
PY

# A restore that brought back the wrong data is a failure, not a missed target.
if [[ $(json 'd["data_check"]["met"]' <"$WORK/results.json") != True ]]; then
    echo "A restored instance did not hold the data as of the target time (see DATA CHECK FAILED above)" >&2
    exit 4
fi
if [[ $STRICT == 1 ]] && [[ $(json 'd["all_targets_met"]' <"$WORK/results.json") != True ]]; then
    echo "BENCH_STRICT=1: a target was missed" >&2
    exit 3
fi
