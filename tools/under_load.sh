#!/usr/bin/env bash
# The tests that depend on time, under a deliberate CPU load, several rounds in a row (docs/tests.md, "Tests that
# wait for events, not for time").
#
#   tools/under_load.sh [-b BUSY] [-r ROUNDS] [-- PYTEST_ARGS...]
#
# BUSY busy loops (default 8: a load of about 10 on two cores) run for the whole series; each round runs pytest
# with PYTEST_ARGS (default: the Ctrl-C, SIGKILL, SIGTERM, Dask-worker and Slurm tests of the experiment files,
# two workers) under CI=true, and prints one line: its exit status, pytest's summary, its wall time and the load
# at its start and end. Each round's whole output is kept in a temporary folder named at the start. Exit status 0
# when every round passed. Run from a checkout whose environment `make setup` made.
set -uo pipefail
cd "$(dirname "$0")/.."

busy=8
rounds=10
while [ $# -gt 0 ]; do
  case "$1" in
    -b) busy="$2"; shift 2 ;;
    -r) rounds="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "error: unknown option $1 (allowed: -b BUSY, -r ROUNDS, -- PYTEST_ARGS...)" >&2; exit 2 ;;
  esac
done
for value in "$busy" "$rounds"; do
  case "$value" in
    ''|*[!0-9]*) echo "error: -b and -r take a whole number, got '$value'" >&2; exit 2 ;;
  esac
done
if [ $# -eq 0 ]; then
  set -- -n 2 --dist loadfile tests/test_experiments.py tests/test_outputs.py tests/test_trust.py \
    tests/test_newcomer.py tests/test_dask.py tests/test_slurm.py \
    -k "interrupt or ctrl or kill or signal or sigterm or worker or slurm or cancelled or cannot_start"
fi
[ -x .venv/bin/python ] || { echo "error: no .venv here: run make setup first" >&2; exit 2; }

logs=$(mktemp -d -t under-load-XXXXXX)
pids=()
stop() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; }
trap stop EXIT
trap 'stop; exit 130' INT TERM
for _ in $(seq "$busy"); do ( while :; do :; done ) & pids+=($!); done
echo "$busy busy loops; $rounds rounds of: pytest $*; logs in $logs"
sleep 30                                   # let the load build up
failed=0
for r in $(seq "$rounds"); do
  start=$(date +%s)
  load0=$(cut -d' ' -f1 /proc/loadavg)
  CI=true .venv/bin/python -m pytest -p no:cacheprovider -q "$@" > "$logs/round_$r.log" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] || failed=$((failed + 1))
  echo "round $r: exit $rc, $(tail -1 "$logs/round_$r.log" | tr -d '='), wall $(( $(date +%s) - start )) s," \
       "load $load0 -> $(cut -d' ' -f1 /proc/loadavg)"
done
echo "$((rounds - failed)) of $rounds rounds passed"
[ "$failed" -eq 0 ]
