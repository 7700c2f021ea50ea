#!/usr/bin/env bash
# The reliability suite: load and faults against real `totto serve` processes on loopback, with
# bench/reliability/fakegh as GitHub and CircleCI and bench/reliability/loadgen as sender and judge.
#
#   bench/reliability/run.sh            quick (10 s stages, small fault runs; a few minutes)
#   FULL=1 bench/reliability/run.sh     full (60 s stages, 20 kills over a longer run)
#   ONLY="load-sqlite kill9" bench/reliability/run.sh   a subset of the scenarios
#
# Postgres scenarios use $TOTTO_RELIABILITY_POSTGRES (default the local test database), each run
# in a fresh schema that is dropped afterwards. Results are appended as JSON lines to
# $OUT/results.jsonl (default: the work directory printed at the start, which also keeps every
# process's log).
#
# Ports: FAKE_PORT (default 9100) for the fake, SERVE_PORT (default 9180) and the three after it
# for `totto serve`, so parallel runs on one machine do not collide. TOTTO_BIN runs a prebuilt
# binary instead of building ./cmd/totto (an A/B of two builds under the same harness); LOG_HOSTS
# replaces the fake's log hosts in logs.hosts (a build older than host:port rules needs '"127.0.0.1"').
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FULL=${FULL:-0}
SEED=${SEED:-20261126}
PG_POOL=${PG_POOL-24}
PG=${TOTTO_RELIABILITY_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
export TOTTO_CORPUS=${TOTTO_CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/totto-reliability.XXXXXX")
OUT=${OUT:-$WORK}
SECRET=reliability-secret
FAKE_PORT=${FAKE_PORT:-9100}
SERVE_PORT=${SERVE_PORT:-9180}
PORTS3="$((SERVE_PORT + 1)) $((SERVE_PORT + 2)) $((SERVE_PORT + 3))"
if [[ $FULL == 1 ]]; then
	DURATION=60s KILL_SECONDS=60 KILL_RATE=50 FAULT_SECONDS=30 RATES=${RATES:-100,250,500,750}
	# Four minutes of load leave a ~70 000-job backlog, 10-13 minutes of work on 2 cores.
	DRAIN=${DRAIN:-30m} THREE_RATES=${THREE_RATES:-500}
else
	# Quick: the drain after a stage costs far more than the stage, so fewer steps.
	DURATION=10s KILL_SECONDS=20 KILL_RATE=25 FAULT_SECONDS=10 RATES=${RATES:-100,500}
fi
ONLY=${ONLY:-load-sqlite load-postgres three-processes kill9 pg-terminate pg-restart github-faults storage-full}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
echo "work directory $WORK; results in $RESULTS"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	if mountpoint -q "$WORK/full" 2>/dev/null; then umount "$WORK/full"; fi
}
trap cleanup EXIT
trap "exit 130" INT TERM

echo "building"
mkdir -p "$WORK/bin"
if [[ -n ${TOTTO_BIN:-} ]]; then cp "$TOTTO_BIN" "$WORK/bin/totto"; fi
(cd "$ROOT" && { [[ -n ${TOTTO_BIN:-} ]] || CGO_ENABLED=0 go build -o "$WORK/bin/totto" ./cmd/totto; } &&
	go build -o "$WORK/bin/fakegh" ./bench/reliability/fakegh &&
	go build -o "$WORK/bin/loadgen" ./bench/reliability/loadgen)
LOADGEN=$WORK/bin/loadgen

# wait_http URL SECONDS: poll until URL answers 2xx (bounded; a dead process fails fast).
wait_http() {
	local deadline=$((SECONDS + $2))
	until curl -sf -o /dev/null "$1"; do
		if ((SECONDS > deadline)); then
			echo "$1 did not come up in $2 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# start_fake DIR [fakegh flags…]: a fresh fake GitHub + CircleCI on $FAKE_PORT.
start_fake() {
	local dir=$1
	shift
	"$WORK/bin/fakegh" -listen 127.0.0.1:$FAKE_PORT -key "$dir/app.pem" \
		-log "$TOTTO_CORPUS/logs/pytorch-dev/clean/msvc_compiler_error.log" \
		-circle-build "$TOTTO_CORPUS/api/circleci/fixtures/gitauto/build_16.json" \
		-circle-output "$TOTTO_CORPUS/api/circleci/fixtures/gitauto/log_entries.json" "$@" 2>>"$dir/fakegh.log" &
	FAKE_PID=$!
	PIDS+=("$FAKE_PID")
	wait_http "http://127.0.0.1:$FAKE_PORT/_admin/state" 30 && kill -0 "$FAKE_PID" # ours, not a leftover
}

# write_config DIR DBURL LOGSTORAGE: a totto config pointing at the fakes, allowing the hosts the
# fake's log URLs name (its GitHub log blobs and CircleCI step output are on ports of their own).
write_config() {
	local hosts
	hosts=$(curl -sf "http://127.0.0.1:$FAKE_PORT/_admin/log-hosts" | awk '{printf ", \"%s\"", $0}')
	[[ -n $hosts ]] || { echo "the fake named no log hosts" >&2; return 1; }
	# LOG_HOSTS replaces the list, e.g. '"127.0.0.1"' for a build older than host:port rules.
	[[ -z ${LOG_HOSTS:-} ]] || hosts=", $LOG_HOSTS"
	cat >"$1/config.yml" <<EOF
database:
  url: "$2"
logs:
  storage: "$3"
  hosts: ["127.0.0.1:$FAKE_PORT"$hosts]
github:
  app_id: 1
  private_key_path: $1/app.pem
  webhook_secret: $SECRET
  api_url: http://127.0.0.1:$FAKE_PORT/api/v3/
circleci:
  api_url: http://127.0.0.1:$FAKE_PORT/api/v1.1
workers:
  count: ${WORKERS:-2}
EOF
}

# start_totto DIR PORT: `totto serve` on PORT; sets TOTTO_PID.
start_totto() {
	"$WORK/bin/totto" serve --config "$1/config.yml" --listen 127.0.0.1:$2 2>>"$1/totto-$2.log" &
	TOTTO_PID=$!
	PIDS+=("$TOTTO_PID")
	wait_http "http://127.0.0.1:$2/healthz" 60 && kill -0 "$TOTTO_PID"
}

# fresh_schema NAME: a new Postgres schema; prints its URL.
# PG_POOL sets pgx's pool_max_conns of the App's one pool, shared by the store and the queue (24: the
# 2 × 12 of the runs recorded before they shared it; empty: the store's default, 32).
fresh_schema() {
	local url
	url=$("$LOADGEN" pg create "$PG" "$1")
	if [[ -n ${PG_POOL:-} ]]; then url="$url&pool_max_conns=$PG_POOL"; fi
	echo "$url"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

hook() { echo "http://127.0.0.1:$1/api/github/hook"; }

scenario_load() { # backend
	local dir=$WORK/load-$1 db
	mkdir -p "$dir"
	start_fake "$dir" || return 1
	if [[ $1 == sqlite ]]; then db=sqlite:$dir/totto.db; else db=$(fresh_schema "rel_load_$$"); fi
	write_config "$dir" "$db" "file://$dir/logs" || return 1
	start_totto "$dir" $SERVE_PORT || return 1
	local rc=0
	"$LOADGEN" run -label "load-$1" -run "load-$1-$$" -target "$(hook $SERVE_PORT)" -fake http://127.0.0.1:$FAKE_PORT \
		-rates "$RATES" -duration "$DURATION" -db "$db" -deadline "${DRAIN:-10m}" -out "$RESULTS" || rc=$?
	# Every failed job serves a log: a run that stored none measured no log work at all.
	local stored
	stored=$(grep -c '"message":"log stored"' "$dir/totto-$SERVE_PORT.log" || true)
	echo "load-$1: stored $stored logs"
	if ((stored == 0)); then
		echo "load-$1: no log was stored; are the fake's log hosts allowed?" >&2
		rc=1
	fi
	stop "$TOTTO_PID"
	stop "$FAKE_PID"
	[[ $1 == sqlite ]] || { table_stats "rel_load_$$" "$dir/table-stats.txt"; "$LOADGEN" pg drop "$PG" "rel_load_$$"; }
	return $rc
}

# table_stats SCHEMA FILE: Postgres' per-table counters of the run (rows read by sequential scans,
# index scans, rows written), when psql is at hand: a query that reads a whole table per job shows
# as seq_tup_read growing with the square of the jobs.
table_stats() {
	command -v psql >/dev/null || return 0
	psql "$PG" -X -q -c "SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del
		FROM pg_stat_user_tables WHERE schemaname = '$1' ORDER BY seq_tup_read DESC, idx_tup_fetch DESC" >"$2" 2>&1 || true
	echo "table counters of the run in $2"
}

scenario_three_processes() {
	local dir=$WORK/three db rc=0
	mkdir -p "$dir"
	start_fake "$dir" || return 1
	db=$(fresh_schema "rel_three_$$")
	write_config "$dir" "$db" "file://$dir/logs" || return 1
	local pids=()
	for port in $PORTS3; do
		start_totto "$dir" $port || return 1
		pids+=("$TOTTO_PID")
	done
	"$LOADGEN" run -label three-processes -run "three-$$" -target "$(for port in $PORTS3; do printf "%s," "$(hook "$port")"; done | sed "s/,$//")" \
		-fake http://127.0.0.1:$FAKE_PORT -rates "${THREE_RATES:-250}" -duration "$DURATION" -db "$db" -deadline 10m -out "$RESULTS" || rc=$?
	for port in $PORTS3; do
		printf 'three-processes: :%s stored %s logs and wrote %s check runs\n' "$port" \
			"$(grep -c '"message":"log stored"' "$dir/totto-$port.log" || true)" \
			"$(grep -c '"message":"check run \(created\|updated\)"' "$dir/totto-$port.log" || true)"
	done
	for p in "${pids[@]}"; do stop "$p"; done
	stop "$FAKE_PID"
	"$LOADGEN" pg drop "$PG" "rel_three_$$"
	return $rc
}

# kill9 BACKEND: 20 kill -9 at seeded random moments while deliveries arrive and the pipeline
# works, each followed by a restart; then every commit must have exactly one right check run.
scenario_kill9() {
	local dir=$WORK/kill9-$1 db rc=0
	mkdir -p "$dir"
	start_fake "$dir" || return 1
	if [[ $1 == sqlite ]]; then db=sqlite:$dir/totto.db; else db=$(fresh_schema "rel_kill_$$"); fi
	write_config "$dir" "$db" "file://$dir/logs" || return 1
	start_totto "$dir" $SERVE_PORT || return 1
	"$LOADGEN" send -label "kill9-$1" -run "kill-$1-$$" -target "$(hook $SERVE_PORT)" -fake http://127.0.0.1:$FAKE_PORT \
		-rates "$KILL_RATE" -duration "${KILL_SECONDS}s" -redeliver 5m -expect "$dir/expect.json" -out "$RESULTS" >"$dir/send.out" &
	local sender=$!
	PIDS+=("$sender")
	# The kills spread over the sending time plus the triage debounce and drain after it.
	RANDOM=$SEED
	local window_ms=$(((KILL_SECONDS + 15) * 1000)) kills=0
	for _ in $(seq 20); do
		local delay_ms=$((RANDOM % (2 * window_ms / 20) + 50))
		sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))" # a random moment: the point of this scenario
		kill -9 "$TOTTO_PID" 2>/dev/null || true
		wait "$TOTTO_PID" 2>/dev/null || true
		kills=$((kills + 1))
		start_totto "$dir" $SERVE_PORT || return 1
	done
	wait "$sender" || rc=$?
	cat "$dir/send.out"
	echo "kill9-$1: $kills kills"
	"$LOADGEN" verify -label "kill9-$1" -fake http://127.0.0.1:$FAKE_PORT -expect "$dir/expect.json" -db "$db" -deadline 10m -out "$RESULTS" || rc=$?
	stop "$TOTTO_PID"
	stop "$FAKE_PID"
	[[ $1 == sqlite ]] || "$LOADGEN" pg drop "$PG" "rel_kill_$$"
	return $rc
}

# pg_fault LABEL SCHEMA SEED_OFFSET TIMES FAULT: 100 deliveries/s on Postgres for FAULT_SECONDS with
# the function FAULT run at TIMES seeded random moments; failed deliveries are redelivered, then
# every commit must have exactly one right check run.
pg_fault() {
	local label=$1 schema=$2 seed_offset=$3 times=$4 fault=$5
	local dir=$WORK/$label db rc=0
	mkdir -p "$dir"
	start_fake "$dir" || return 1
	db=$(fresh_schema "$schema")
	write_config "$dir" "$db" "file://$dir/logs" || return 1
	start_totto "$dir" $SERVE_PORT || return 1
	"$LOADGEN" send -label "$label" -run "$label-$$" -target "$(hook $SERVE_PORT)" -fake http://127.0.0.1:$FAKE_PORT \
		-rates 100 -duration "${FAULT_SECONDS}s" -redeliver 2m -expect "$dir/expect.json" -out "$RESULTS" >"$dir/send.out" &
	local sender=$!
	PIDS+=("$sender")
	RANDOM=$((SEED + seed_offset))
	for _ in $(seq "$times"); do
		local delay_ms=$((RANDOM % (FAULT_SECONDS * 1000 / times) + 500))
		sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
		"$fault" "$dir" || rc=1
	done
	wait "$sender" || rc=$?
	cat "$dir/send.out"
	"$LOADGEN" verify -label "$label" -fake http://127.0.0.1:$FAKE_PORT -expect "$dir/expect.json" -db "$db" -deadline 10m -out "$RESULTS" || rc=$?
	stop "$TOTTO_PID"
	stop "$FAKE_PID"
	"$LOADGEN" pg drop "$PG" "$schema"
	return $rc
}

# pg-terminate: every connection of the App terminated by the server, three times, mid-run.
terminate_connections() { echo "pg-terminate: terminated $("$LOADGEN" pg terminate "$PG" "rel_term_$$") connections"; }
scenario_pg_terminate() { pg_fault pg-terminate "rel_term_$$" 1 3 terminate_connections; }

# pg-restart: the Postgres server itself restarted (fast shutdown, then start) twice mid-run: every
# connection drops and new ones are refused for a moment. Needs the local cluster's pg_ctlcluster
# (Debian) and the right to run it; skipped otherwise.
PG_CLUSTER=
restart_postgres() {
	# shellcheck disable=SC2086 # PG_CLUSTER is "VERSION NAME"
	if ! pg_ctlcluster --skip-systemctl-redirect $PG_CLUSTER restart -m fast >>"$1/pg-restart.out" 2>&1; then
		echo "pg-restart: pg_ctlcluster $PG_CLUSTER restart failed" >&2
		return 1
	fi
	echo "pg-restart: restarted Postgres $PG_CLUSTER"
}
scenario_pg_restart() {
	if ! command -v pg_ctlcluster >/dev/null || [[ $PG != *@127.0.0.1:5432/* && $PG != *@localhost:5432/* ]]; then
		echo "pg-restart: no local pg_ctlcluster for $PG; skipped"
		return 0
	fi
	PG_CLUSTER=$(pg_lsclusters -h | awk '$3 == 5432 {print $1 " " $2; exit}')
	if [[ -z $PG_CLUSTER ]]; then
		echo "pg-restart: no cluster on port 5432; skipped"
		return 0
	fi
	pg_fault pg-restart "rel_restart_$$" 2 2 restart_postgres
}

# github-faults: 30 % 5xx (half after the work was done), rate limits with Retry-After or a reset,
# and 10 s stalls.
scenario_github_faults() {
	local dir=$WORK/ghfaults db rc=0
	mkdir -p "$dir"
	start_fake "$dir" -seed "$SEED" -fail-rate 0.30 -ratelimit-rate 0.05 -stall-rate 0.01 -stall 10s || return 1
	db=sqlite:$dir/totto.db
	write_config "$dir" "$db" "file://$dir/logs" || return 1
	start_totto "$dir" $SERVE_PORT || return 1
	"$LOADGEN" run -label github-faults -run "ghf-$$" -target "$(hook $SERVE_PORT)" -fake http://127.0.0.1:$FAKE_PORT \
		-rates 20 -duration "${FAULT_SECONDS}s" -db "$db" -deadline "${FAULT_DRAIN:-10m}" -out "$RESULTS" || rc=$?
	stop "$TOTTO_PID"
	stop "$FAKE_PID"
	return $rc
}

# storage-full: the log directory is a 2 MiB tmpfs that fills up; jobs must retry, and once space
# is freed (the tmpfs grown) everything completes with no partial log left behind.
scenario_storage_full() {
	local dir=$WORK/full-run db rc=0
	mkdir -p "$dir" "$WORK/full"
	if ! mount -t tmpfs -o size=2m tmpfs "$WORK/full" 2>/dev/null; then
		echo "storage-full: cannot mount a tmpfs here (needs root); skipped"
		return 0
	fi
	start_fake "$dir" || return 1
	db=sqlite:$dir/totto.db
	write_config "$dir" "$db" "file://$WORK/full" || return 1
	start_totto "$dir" $SERVE_PORT || return 1
	"$LOADGEN" send -label storage-full -run "full-$$" -target "$(hook $SERVE_PORT)" -fake http://127.0.0.1:$FAKE_PORT \
		-rates 100 -duration "$((FAULT_SECONDS * 3))s" -expect "$dir/expect.json" -out "$RESULTS" # ~900 logs: more than 2 MiB gzipped
	local deadline=$((SECONDS + 120))
	until grep -q "no space left on device" "$dir"/totto-*.log; do
		((SECONDS < deadline)) || { echo "storage-full: the log store never filled up" >&2; rc=1; break; }
		sleep 0.5
	done
	echo "storage-full: $(grep -c 'no space left on device' "$dir"/totto-*.log) job attempts failed on a full disk; growing it"
	mount -o remount,size=512m "$WORK/full"
	"$LOADGEN" verify -label storage-full -fake http://127.0.0.1:$FAKE_PORT -expect "$dir/expect.json" -db "$db" -deadline 10m -out "$RESULTS" || rc=$?
	stop "$TOTTO_PID"
	stop "$FAKE_PID"
	local partial
	partial=$(find "$WORK/full" -name '.put-*' | wc -l)
	echo "storage-full: $partial partial files left in the log store"
	((partial == 0)) || rc=1
	umount "$WORK/full"
	return $rc
}

failed=()
for s in $ONLY; do
	echo "=== $s ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
	case $s in
	load-sqlite) scenario_load sqlite || failed+=("$s") ;;
	load-postgres) scenario_load postgres || failed+=("$s") ;;
	three-processes) scenario_three_processes || failed+=("$s") ;;
	kill9) scenario_kill9 "${KILL_BACKEND:-sqlite}" || failed+=("$s") ;;
	pg-terminate) scenario_pg_terminate || failed+=("$s") ;;
	pg-restart) scenario_pg_restart || failed+=("$s") ;;
	github-faults) scenario_github_faults || failed+=("$s") ;;
	storage-full) scenario_storage_full || failed+=("$s") ;;
	*)
		echo "unknown scenario $s" >&2
		failed+=("$s")
		;;
	esac
done
if ((${#failed[@]} > 0)); then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "reliability suite passed"
