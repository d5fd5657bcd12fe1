#!/usr/bin/env bash
# BackupPortal benchmark: one backup pass to the local directory alone, then to the local directory and an
# S3-compatible bucket (s3rver on loopback) at once; then a restore read from S3 with the local copy gone.
#
#   bench/bench-s3.sh                  # default: BENCH_SCALE=30 (~1 GB database)
#   BENCH_SCALE=2 bench/bench-s3.sh    # quick smoke run
#   BENCH_REPEAT=3 bench/bench-s3.sh   # three rounds, best time of each reported
#   BENCH_KEEP=0 bench/bench-s3.sh     # delete bench/.work-s3 afterwards
#
# Runs as root on Debian 12 with PostgreSQL 15 binaries and Node.js (s3rver comes from tests/s3, installed here with
# npm ci when missing). s3rver writes to local disk, so this measures our pipeline's cost, not a network's.
set -euo pipefail

# ---------------------------------------------------------------- settings and helpers (shared with the other benchmarks)
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_settings .work-s3 56545 5095
S3_PORT=5094
S3_PID=""

cleanup() {
    local rc=$?
    set +e
    stop_api
    [[ -n $S3_PID ]] && kill "$S3_PID" 2>/dev/null
    stop_cluster
    finish_work
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

preflight initdb pg_ctl postgres psql pgbench pg_dump pg_restore createdb
command -v node >/dev/null || die "Node.js is required (apt-get install nodejs npm)"
port_free "$S3_PORT" || die "port $S3_PORT is taken"
[[ -d $ROOT/tests/s3/node_modules/s3rver ]] || (cd "$ROOT/tests/s3" && npm ci --no-audit --no-fund --loglevel=error)

init_cluster
start_cluster
build_benchdb
publish_api
start_api
get_token
register_source

# ---------------------------------------------------------------- s3rver and the two policies
log "starting s3rver on 127.0.0.1:$S3_PORT"
rm -rf "$WORK/s3" && mkdir -p "$WORK/s3"
node --openssl-legacy-provider "$ROOT/tests/s3/s3rver-plus.js" -d "$WORK/s3" -a 127.0.0.1 -p "$S3_PORT" --configure-bucket bench --silent \
    >"$WORK/s3rver.log" 2>&1 &
S3_PID=$!
for _ in $(seq 100); do port_free "$S3_PORT" || break; sleep 0.1; done
port_free "$S3_PORT" && die "s3rver did not start (see $WORK/s3rver.log)"
DEFAULT_ID=$(api GET /api/v1/storage "" 200 | json 'next(l["id"] for l in d if l["isDefault"])')
S3_ID=$(api POST /api/v1/storage "{\"name\":\"bench-s3\",\"type\":\"s3\",\"endpoint\":\"http://127.0.0.1:$S3_PORT\",\"bucket\":\"bench\",\"prefix\":\"bp\",\"forcePathStyle\":true,\"accessKeyId\":\"S3RVER\",\"secretAccessKey\":\"S3RVER\"}" 201 \
    | json 'd["id"]')
[[ $(api POST "/api/v1/storage/$S3_ID/test" "" 200 | json 'd["ok"]') == True ]] || die "the S3 location failed its test"

# backup POLICY_IDS: sets the source's storage policy, takes a full backup, and leaves BACKUP_JSON, SECONDS_TAKEN, RSS_KB.
backup() {
    api PUT "/api/v1/sources/$SOURCE_ID/storage-policy" "{\"locationIds\":[$1]}" 200 >/dev/null
    settle
    local t0 id status
    t0=$(now)
    id=$(api POST /api/v1/backups "{\"sourceId\":\"$SOURCE_ID\",\"backupType\":\"full\"}" 202 | json 'd["id"]')
    BACKUP_JSON=$(poll "/api/v1/backups/$id" 'j["status"]') || die "polling backup $id failed"
    SECONDS_TAKEN=$(elapsed "$t0" "$(now)")
    RSS_KB=$(cat "$WORK/peak_rss_kb")
    status=$(json 'j["status"]' <<<"$BACKUP_JSON")
    [[ $status == completed ]] || die "backup ended '$status': $(json 'j["errorMessage"]' <<<"$BACKUP_JSON")"
    poll "/api/v1/backups/$id" 'j["verificationStatus"]' >/dev/null || die "polling the verification of $id failed"
}

LOCAL=() BOTH=() FROM_S3=() RAW_RESTORE=() PEAK_KB=0
for round in $(seq "$REPEAT"); do
    (( REPEAT > 1 )) && log "round $round of $REPEAT"
    warn_if_busy

    log "ours: backup to the local directory only"
    backup "\"$DEFAULT_ID\""
    LOCAL+=("$SECONDS_TAKEN"); (( RSS_KB > PEAK_KB )) && PEAK_KB=$RSS_KB
    echo "local only: $SECONDS_TAKEN s, peak RSS $((RSS_KB / 1024)) MB" >&2

    log "ours: backup to the local directory and S3 in one pass"
    backup "\"$DEFAULT_ID\",\"$S3_ID\""
    BOTH+=("$SECONDS_TAKEN"); (( RSS_KB > PEAK_KB )) && PEAK_KB=$RSS_KB
    copies=$(json '" ".join(c["location"] + "=" + c["status"] for c in d["copies"])' <<<"$BACKUP_JSON")
    echo "local + S3: $SECONDS_TAKEN s, peak RSS $((RSS_KB / 1024)) MB, copies: $copies" >&2
    [[ $(json 'd["copyStatus"]' <<<"$BACKUP_JSON") == complete ]] || die "the two-copy backup is not complete: $copies"
    # The object as s3rver serves it is the artifact the catalog recorded.
    path=$(json 'j["storagePath"]' <<<"$BACKUP_JSON")
    s3sum=$(curl -s "http://127.0.0.1:$S3_PORT/bench/bp/$path" | sha256sum | cut -d' ' -f1)
    [[ $s3sum == "$(json 'j["checksumSha256"]' <<<"$BACKUP_JSON")" ]] || die "the S3 copy's SHA-256 $s3sum differs from the catalog's"

    # Raw pg_restore of the same database, then ours from S3 with the local copy deleted.
    pgtool pg_dump -Fc -f "$WORK/raw.dump" benchdb
    PGOPTIONS=-cclient_min_messages=warning sql -d postgres -c 'drop database if exists bench_raw' -c 'drop database if exists bench_s3' >/dev/null
    pgtool createdb bench_raw
    settle
    log "raw: pg_restore into bench_raw"
    t0=$(now)
    pgtool pg_restore -d bench_raw "$WORK/raw.dump" || die "pg_restore failed"
    RAW_RESTORE+=("$(elapsed "$t0" "$(now)")")
    rm -f "$WORK/storage/$path"
    settle
    log "ours: restore read from S3 (the local copy deleted)"
    t0=$(now)
    id=$(api POST /api/v1/restores "{\"backupId\":\"$(json 'j["id"]' <<<"$BACKUP_JSON")\",\"restoreType\":\"full\",\"targetDatabase\":\"bench_s3\",\"reason\":\"benchmark\"}" 202 | json 'd["id"]')
    RESTORE_JSON=$(poll "/api/v1/restores/$id" 'd["status"]') || die "polling restore $id failed"
    FROM_S3+=("$(elapsed "$t0" "$(now)")")
    RSS_KB=$(cat "$WORK/peak_rss_kb"); (( RSS_KB > PEAK_KB )) && PEAK_KB=$RSS_KB
    [[ $(json 'd["status"]' <<<"$RESTORE_JSON") == completed ]] || die "the restore from S3 ended: $(json 'd["errorMessage"]' <<<"$RESTORE_JSON")"
    echo "restore from S3: ${FROM_S3[-1]} s vs raw pg_restore ${RAW_RESTORE[-1]} s" >&2
done

best() { printf '%s\n' "$@" | sort -g | head -1; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.3f}x")' "$1" "$2"; }
log "results"
cat <<EOF
BackupPortal S3 benchmark, BENCH_SCALE=$SCALE, best of $REPEAT round(s); s3rver on loopback, on the same disk
backup, local directory only     $(best "${LOCAL[@]}") s
backup, local + S3 in one pass   $(best "${BOTH[@]}") s   ($(ratio "$(best "${BOTH[@]}")" "$(best "${LOCAL[@]}")") of local only)
restore from S3 (local deleted)  $(best "${FROM_S3[@]}") s   ($(ratio "$(best "${FROM_S3[@]}")" "$(best "${RAW_RESTORE[@]}")") of raw pg_restore, $(best "${RAW_RESTORE[@]}") s)
Api peak RSS                     $((PEAK_KB / 1024)) MB
EOF
