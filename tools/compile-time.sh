#!/usr/bin/env bash
# Compile-time benchmark of the generated GaussDB(for MySQL) crate against a baseline
# generated from the same spec by progenitor (cargo-progenitor, builder interface), measured
# in the same run on the same machine.
#
# For each crate it builds the dependencies once, then, RUNS times each, removes the crate's
# own artifacts (`cargo clean -p`) and times a crate-only `cargo build` (debug) and a
# crate-only `cargo check`, without incremental compilation (as a dependency from a registry
# is built), recording wall time and peak memory (the largest resident set of any process
# of the run, which is rustc's, as GNU time reports it). It also times one tag of our crate
# alone (`--no-default-features --features TAG`). It prints a Markdown table with medians
# and ratios; nothing is asserted.
#
# Usage: tools/compile-time.sh [WORK_DIR]
#   RUNS=3 (default) runs per measurement; TAG=backups (default) the single tag measured.
#   WORK_DIR (default: a temporary directory) holds cargo-progenitor, the baseline crate and
#   both target directories, so that a second run can reuse them.
# Needs GNU time (/usr/bin/time) and network access to crates.io for the first run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
runs="${RUNS:-3}"
tag="${TAG:-backups}"
progenitor_version="0.15.1"
mkdir -p "$work"
# Everything without incremental compilation, dependencies included, so that switching does
# not rebuild them inside a measurement.
export CARGO_INCREMENTAL=0

if [ ! -x /usr/bin/time ]; then
    echo "GNU time (/usr/bin/time) is needed to measure peak memory" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*" >&2; }

step "Install cargo-progenitor $progenitor_version"
if [ ! -x "$work/tools/bin/cargo-progenitor" ]; then
    CARGO_TARGET_DIR="$work/target-tools" cargo install --quiet --locked \
        cargo-progenitor --version "$progenitor_version" --root "$work/tools"
fi

step "Generate the baseline crate from spec/huaweicloud/gaussdb-mysql.yaml"
rm -rf "$work/progenitor"
"$work/tools/bin/cargo-progenitor" progenitor \
    --input "$root/spec/huaweicloud/gaussdb-mysql.yaml" --output "$work/progenitor" \
    --name gaussdb-progenitor --version 0.1.0 --interface builder >/dev/null
# A workspace of its own, so that it is not taken for a member of ours.
printf '\n[workspace]\n' >>"$work/progenitor/Cargo.toml"

ours_target="$work/target-ours"
theirs_target="$work/target-progenitor"

step "Build the dependencies of both crates once"
(cd "$root" && CARGO_TARGET_DIR="$ours_target" cargo build --quiet --locked -p huaweicloud-gaussdb-mysql)
(cd "$root" && CARGO_TARGET_DIR="$ours_target" cargo check --quiet --locked -p huaweicloud-gaussdb-mysql)
(cd "$root" && CARGO_TARGET_DIR="$ours_target" cargo build --quiet --locked -p huaweicloud-gaussdb-mysql --no-default-features --features "$tag")
(cd "$work/progenitor" && CARGO_TARGET_DIR="$theirs_target" cargo build --quiet)
(cd "$work/progenitor" && CARGO_TARGET_DIR="$theirs_target" cargo check --quiet)

# measure NAME DIR TARGET PACKAGE CARGO_ARGS...: RUNS timed runs, each after removing the
# package's own artifacts; prints "NAME seconds... | kilobytes..." to stdout.
measure() {
    local name="$1" dir="$2" target="$3" package="$4"
    shift 4
    local seconds=() kilobytes=()
    for _ in $(seq "$runs"); do
        (cd "$dir" && CARGO_TARGET_DIR="$target" cargo clean --quiet -p "$package")
        local out
        out="$( { cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %M' cargo "$@" --quiet; } 2>&1 >/dev/null | tail -n 1)"
        seconds+=("${out% *}")
        kilobytes+=("${out#* }")
    done
    echo "$name ${seconds[*]} | ${kilobytes[*]}"
}

step "Measure ($runs runs each; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
{
    measure ours-build "$root" "$ours_target" huaweicloud-gaussdb-mysql \
        build --locked -p huaweicloud-gaussdb-mysql
    measure ours-check "$root" "$ours_target" huaweicloud-gaussdb-mysql \
        check --locked -p huaweicloud-gaussdb-mysql
    measure ours-tag-build "$root" "$ours_target" huaweicloud-gaussdb-mysql \
        build --locked -p huaweicloud-gaussdb-mysql --no-default-features --features "$tag"
    measure progenitor-build "$work/progenitor" "$theirs_target" gaussdb-progenitor build
    measure progenitor-check "$work/progenitor" "$theirs_target" gaussdb-progenitor check
} >"$work/raw.txt"

python3 - "$work/raw.txt" "$tag" "$runs" <<'PY'
import statistics, sys
raw, tag, runs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(raw):
    name, rest = line.split(" ", 1)
    secs, kbs = rest.split("|")
    rows[name] = (
        statistics.median(float(s) for s in secs.split()),
        max(int(k) for k in kbs.split()),
        secs.split(),
    )
def row(label, name, baseline=None):
    secs, kb, all_secs = rows[name]
    ratio = f"{secs / rows[baseline][0]:.2f}" if baseline else "1.00"
    mem = f"{kb / 1024:.0f} MiB"
    mem_ratio = f"{kb / rows[baseline][1]:.2f}" if baseline else "1.00"
    print(f"| {label} | {secs:.1f} s ({', '.join(all_secs)}) | {ratio} | {mem} | {mem_ratio} |")
print(f"| crate-only, median of {runs} | wall time (runs) | ratio | peak memory | ratio |")
print("| --- | --- | --- | --- | --- |")
row("progenitor 0.15.1 (builder), `cargo build`", "progenitor-build")
row("ours, `cargo build`", "ours-build", "progenitor-build")
row(f"ours, one tag (`{tag}`), `cargo build`", "ours-tag-build", "ours-build")
row("progenitor 0.15.1 (builder), `cargo check`", "progenitor-check")
row("ours, `cargo check`", "ours-check", "progenitor-check")
PY
