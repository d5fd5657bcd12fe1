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

# ---------------------------------------------------------------- settings and helpers
# log, die, sql, json, api, poll, settle, the cluster, data, publish and Api steps: shared with the other benchmarks.
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_settings .work 56543 5099

# Targets: our time may exceed the raw tool's by at most 5 %; the Api stays under 150 MB resident.
TARGET_RATIO=1.05
TARGET_RSS_MB=150
# Our whole-database restore runs this many pg_restore processes (Restore__Jobs); raw pg_restore -j gets the same.
JOBS=${BENCH_RESTORE_JOBS:-$(( $(nproc) < 4 ? $(nproc) : 4 ))}

cleanup() {
    local rc=$?
    set +e
    stop_api
    stop_cluster
    finish_work
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- preflight
preflight initdb pg_ctl postgres psql pgbench pg_dump pg_restore createdb

# ---------------------------------------------------------------- 1. cluster
init_cluster
start_cluster

# ---------------------------------------------------------------- 2. data
build_benchdb

# ---------------------------------------------------------------- 3. publish
publish_api

# ---------------------------------------------------------------- 4. Api
start_api Restore__Jobs="$JOBS"

# ---------------------------------------------------------------- 5-6. token and source
get_token
register_source

# ---------------------------------------------------------------- 7. measurements
# Each round times raw pg_dump, our backup, raw pg_restore and our restore, in that order; with BENCH_REPEAT > 1 the
# best (minimum) time of each is reported, which filters out noise from other work on the machine.
RAW_DUMP=() OUR_DUMP=() OUR_DUMP_API=() RAW_RESTORE=() RAW_RESTORE_J=() OUR_RESTORE=() LOADS=()
BACKUP_RSS_KB=0 RESTORE_RSS_KB=0
for round in $(seq "$REPEAT"); do
    (( REPEAT > 1 )) && log "round $round of $REPEAT"
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    warn_if_busy

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

    # -- 7c'. the same with pg_restore -j, for reference: our restore is parallel too
    PGOPTIONS=-cclient_min_messages=warning sql -d postgres -c 'drop database bench_raw_restored' >/dev/null
    pgtool createdb bench_raw_restored
    settle
    log "raw: pg_restore -j $JOBS into bench_raw_restored"
    t0=$(now)
    pgtool pg_restore -j "$JOBS" -d bench_raw_restored "$WORK/raw.dump" || die "pg_restore -j failed"
    RAW_RESTORE_J+=("$(elapsed "$t0" "$(now)")")
    echo "pg_restore -j $JOBS: ${RAW_RESTORE_J[-1]} s" >&2

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
    echo "restore: ${OUR_RESTORE[-1]} s, peak RSS $((rss / 1024)) MB, stages $(json 'd["timings"]' <<<"$RESTORE_JSON")" >&2
done
HWM_KB=$(rss_kb VmHWM)

# ---------------------------------------------------------------- 7e. report
log "results"
export S_RAW_DUMP="${RAW_DUMP[*]}" S_OUR_DUMP="${OUR_DUMP[*]}" S_OUR_DUMP_API="${OUR_DUMP_API[*]}" \
    S_RAW_RESTORE="${RAW_RESTORE[*]}" S_RAW_RESTORE_J="${RAW_RESTORE_J[*]}" S_OUR_RESTORE="${OUR_RESTORE[*]}" S_LOADS="${LOADS[*]}" \
    BACKUP_RSS_KB RESTORE_RSS_KB HWM_KB DB_BYTES DUMP_BYTES ARTIFACT_BYTES SCALE TEXT_ROWS REPEAT \
    TARGET_RATIO TARGET_RSS_MB VERIFY_S verification JOBS
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
parallel_ratio = best("OUR_RESTORE") / best("RAW_RESTORE_J")
rss_mb = f("BACKUP_RSS_KB") / 1024
ok = lambda good: "ok" if good else "MISSED"

rows = [
    ("backup   (pg_dump -Fc)", f"{best('RAW_DUMP'):.2f} s", f"{best('OUR_DUMP'):.2f} s", f"{dump_ratio:.3f}x",
     f"<= {ratio_target}x", ok(dump_ratio <= ratio_target)),
    ("restore  (pg_restore)", f"{best('RAW_RESTORE'):.2f} s", f"{best('OUR_RESTORE'):.2f} s", f"{restore_ratio:.3f}x",
     f"<= {ratio_target}x", ok(restore_ratio <= ratio_target)),
    (f"restore  (pg_restore -j {e['JOBS']})", f"{best('RAW_RESTORE_J'):.2f} s", f"{best('OUR_RESTORE'):.2f} s",
     f"{parallel_ratio:.3f}x", "", "(ref.)"),
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
    for name, k in [("raw pg_dump", "RAW_DUMP"), ("our backup", "OUR_DUMP"), ("raw pg_restore", "RAW_RESTORE"),
                    ("raw pg_restore -j", "RAW_RESTORE_J"), ("our restore", "OUR_RESTORE")]:
        print(f"  {name:17} rounds: {' '.join(f'{x:.2f}' for x in samples(k))} s")

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
                "jobs": int(e["JOBS"]), "raw_parallel_seconds": best("RAW_RESTORE_J"), "ratio_vs_parallel": round(parallel_ratio, 4),
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
