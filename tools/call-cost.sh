#!/usr/bin/env bash
# A deterministic estimate of what one ListInstances call costs in each variant of
# bench/examples/call_breakdown.rs: each variant runs 600 calls under valgrind's callgrind
# with its cache and branch simulation, collecting only inside the timed loop, and the
# estimate is KCachegrind's cycle estimate, Ir + 10 × (L1 misses + branch mispredictions)
# + 100 × last-level misses, per call. Unlike wall time on a shared machine it does not
# drift with other load, so it can rank two versions of the runtime that differ by 1%;
# wall time (the example without arguments) remains the figure that is reported.
#
# Usage: tools/call-cost.sh [variant...]   (default: 1 2 3 4)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v valgrind >/dev/null || { echo "call-cost: valgrind is not installed" >&2; exit 2; }
cargo build --release --quiet -p clouddb-bench --example call_breakdown
binary="${CARGO_TARGET_DIR:-$root/target}/release/examples/call_breakdown"
calls=600
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '| variant | instructions | L1 misses | branch mispredictions | estimated cycles |\n'
printf '| --- | --- | --- | --- | --- |\n'
for variant in "${@:-1 2 3 4}"; do
  for v in $variant; do
    valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes \
      --callgrind-out-file="$out/cg.$v" --toggle-collect='*time_calls*' \
      "$binary" --only "$v" --rounds 3 2>"$out/log.$v" >/dev/null
    # Events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
    grep -o 'Collected : .*' "$out/log.$v" | awk -v v="$v" -v n="$calls" '{
      ir=$3; l1=$6+$7+$8; ll=$9+$10+$11; bm=$13+$15;
      printf "| %s | %.0f | %.0f | %.0f | %.0f |\n", v, ir/n, l1/n, bm/n, (ir+10*(l1+bm)+100*ll)/n }'
  done
done
