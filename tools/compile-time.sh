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
#   RUNS=3 (default) runs per measurement; TAG=backups (default) the single tag measured;
#   ALL=1 also measures the other generated crates' builds (ratios to the GaussDB crate).
#   CPU time (user + system) is reported beside wall time: on a shared machine it varies
#   less with the other load than wall time does.
#   WORK_DIR (default: a temporary directory) holds cargo-progenitor, the baseline crate and
#   both target directories, so that a second run can reuse them.
# Needs GNU time (/usr/bin/time), python3 with PyYAML, and network access to crates.io for
# the first run.
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
# progenitor cannot generate an operation with a multipart/form-data body (one of them):
# the baseline is generated without it, so it has one operation fewer than our crate.
python3 - "$root/spec/huaweicloud/gaussdb-mysql.yaml" "$work/gaussdb-for-progenitor.yaml" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
for path, item in list(spec["paths"].items()):
    for method, op in list(item.items()):
        content = (op.get("requestBody") or {}).get("content", {}) if isinstance(op, dict) else {}
        if "multipart/form-data" in content:
            print(f"left out of the baseline: {op['operationId']} (multipart body)", file=sys.stderr)
            del item[method]
    if not any(m in item for m in ("get", "put", "post", "delete", "patch")):
        del spec["paths"][path]
yaml.safe_dump(spec, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
PY
rm -rf "$work/progenitor"
"$work/tools/bin/cargo-progenitor" progenitor \
    --input "$work/gaussdb-for-progenitor.yaml" --output "$work/progenitor" \
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
    local seconds=() kilobytes=() cpu=()
    for _ in $(seq "$runs"); do
        (cd "$dir" && CARGO_TARGET_DIR="$target" cargo clean --quiet -p "$package")
        local out
        out="$( { cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %M %U %S' cargo "$@" --quiet; } 2>&1 >/dev/null | tail -n 1)"
        read -r wall peak user sys <<<"$out"
        seconds+=("$wall")
        kilobytes+=("$peak")
        cpu+=("$(python3 -c "print(f'{$user + $sys:.2f}')")")
    done
    echo "$name ${seconds[*]} | ${kilobytes[*]} | ${cpu[*]}"
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
    if [ -n "${ALL:-}" ]; then
        for package in huaweicloud-css huaweicloud-dws qingcloud-mysql-plus; do
            (cd "$root" && CARGO_TARGET_DIR="$ours_target" cargo build --quiet --locked -p "$package")
            measure "$package-build" "$root" "$ours_target" "$package" build --locked -p "$package"
        done
    fi
} >"$work/raw.txt"

python3 - "$work/raw.txt" "$tag" "$runs" <<'PY'
import statistics, sys
raw, tag, runs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(raw):
    name, rest = line.split(" ", 1)
    secs, kbs, cpus = rest.split("|")
    rows[name] = (
        statistics.median(float(s) for s in secs.split()),
        max(int(k) for k in kbs.split()),
        secs.split(),
        statistics.median(float(c) for c in cpus.split()),
    )
def row(label, name, baseline=None):
    secs, kb, all_secs, cpu = rows[name]
    ratio = f"{secs / rows[baseline][0]:.2f}" if baseline else "1.00"
    cpu_ratio = f"{cpu / rows[baseline][3]:.2f}" if baseline else "1.00"
    mem = f"{kb / 1024:.0f} MiB"
    mem_ratio = f"{kb / rows[baseline][1]:.2f}" if baseline else "1.00"
    print(f"| {label} | {secs:.1f} s ({', '.join(all_secs)}) | {ratio} | {cpu:.1f} s | {cpu_ratio} | {mem} | {mem_ratio} |")
print(f"| crate-only, median of {runs} | wall time (runs) | ratio | CPU time | ratio | peak memory | ratio |")
print("| --- | --- | --- | --- | --- | --- | --- |")
row("progenitor 0.15.1 (builder), `cargo build`", "progenitor-build")
row("ours, `cargo build`", "ours-build", "progenitor-build")
row(f"ours, one tag (`{tag}`), `cargo build`", "ours-tag-build", "ours-build")
row("progenitor 0.15.1 (builder), `cargo check`", "progenitor-check")
row("ours, `cargo check`", "ours-check", "progenitor-check")
for package in ["huaweicloud-css", "huaweicloud-dws", "qingcloud-mysql-plus"]:
    if f"{package}-build" in rows:
        row(f"`{package}`, `cargo build`", f"{package}-build", "ours-build")
PY
