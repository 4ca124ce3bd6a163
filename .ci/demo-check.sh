#!/usr/bin/env bash
# `make demo` as a new user without a terminal would run it: fresh HOME, fresh data folder, stdin from /dev/null.
# Passes when the app answers on its URL, the URL and the demo users were printed, and Streamlit neither
# prompted for an e-mail nor announced usage statistics; then the demo is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${DEMO_PORT:-8765}
log="$work/demo.log"
mkdir -p "$work/home"
# `setsid` puts make and everything it starts in one process group, stopped together at the end.
env -u QA_DATABASE_URL -u DISPLAY HOME="$work/home" QA_DATA_DIR="$work/data" \
    setsid make demo DEMO_PORT="$port" </dev/null >"$log" 2>&1 &
pid=$!
cleanup() {
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
python3 - "$port" "$pid" "$log" "${DEMO_TIMEOUT:-900}" <<'PY'
import os, sys, time, urllib.request

port, pid, log, limit = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
url = f"http://localhost:{port}"
deadline = time.monotonic() + limit
while True:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    try:
        os.kill(pid, 0)
        alive = os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        alive = True  # not our child (started by the shell): kill(0) above said it exists
    except ProcessLookupError:
        alive = False
    if not alive or time.monotonic() > deadline:
        sys.exit("make demo did not serve the app:\n" + open(log).read()[-4000:])
    time.sleep(1)
with urllib.request.urlopen(url, timeout=10) as r:
    assert r.status == 200 and b"<html" in r.read().lower(), "the app's page did not load"
text = open(log).read()
checks = {
    "URL printed": f"http://localhost:{port}" in text,
    "demo users printed": all(u in text for u in ("agente", "supervisor", "analista", "legal", "admin", "demo-password")),
    "no e-mail prompt": "Email:" not in text and "email" not in text.lower().replace("showemailprompt", ""),
    "no usage statistics": "usage statistics" not in text.lower(),
    "qa command shown": ".venv/bin/qa" in text,
}
failed = [name for name, ok in checks.items() if not ok]
if failed:
    sys.exit(f"make demo: {', '.join(failed)} failed:\n{text[-4000:]}")
print(f"make demo served {url} without a terminal: " + ", ".join(checks))
PY
test ! -e "$work/home/.streamlit/credentials.toml" || { echo "Streamlit wrote a credentials file"; exit 1; }
