#!/usr/bin/env bash
# Binary size of a program that makes one GaussDB(for MySQL) call (ListInstances, ten
# instances) through the generated client built with its one tag (`bench/size/generated`),
# against the same call written by hand with reqwest, the benchmarks' signer and plain serde
# types (`bench/size/baseline`). Both are release builds with symbols stripped, each built
# on its own (so that neither gets the other's dependency features). Both programs are run
# against a local server first, so that what is measured is a working call. Prints a
# Markdown table; nothing is asserted.
#
# Usage: tools/binary-size.sh [TARGET_DIR]   (default: the workspace's target directory)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:-$root/target}"
export CARGO_PROFILE_RELEASE_STRIP=symbols
cd "$root"

for package in size-baseline size-generated; do
    CARGO_TARGET_DIR="$target" cargo build --quiet --locked --release -p "$package"
done

# A server that answers every request with one instance.
port_file="$(mktemp)"
python3 - "$port_file" <<'PY' &
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"instances":[{"id":"i-1","name":"gauss-1"}],"total_count":1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$port_file")"

sizes=()
for package in size-baseline size-generated; do
    output="$("$target/release/$package" "$endpoint")"
    if [ "$output" != "1 instances" ]; then
        echo "$package did not make the call: $output" >&2
        exit 1
    fi
    sizes+=("$(stat -c %s "$target/release/$package")")
done

python3 - "${sizes[@]}" <<'PY'
import sys
baseline, ours = (int(s) for s in sys.argv[1:])
print("| program (release, stripped) | size | ratio |")
print("| --- | --- | --- |")
print(f"| hand-written reqwest call (`size-baseline`) | {baseline / 1024:.0f} KiB | 1.00 |")
print(f"| generated client, one tag (`size-generated`) | {ours / 1024:.0f} KiB | {ours / baseline:.2f} |")
PY
