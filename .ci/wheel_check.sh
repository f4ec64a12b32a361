#!/usr/bin/env bash
# The slim install, checked from a built wheel: a fresh venv with no extras gets the store,
# importers, analysis, ranking, rules and the workbench, and no PyTorch. Run by `make wheel-check`
# (and so by `.ci/run`); it uses the package index for the core dependencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="${PYTHON:-python3.11}"
tmp="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$root/.venv/bin/python" -m pip wheel -q --no-deps --no-build-isolation "$root" -w "$tmp/dist"
"$py" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check "$tmp"/dist/prefkit-*.whl 2>&1 | { grep -v "^WARNING: Location" || true; }
cd "$tmp"  # away from the source tree: only the installed wheel is importable
bin="$tmp/venv/bin"
"$bin/python" - <<'PY'
import importlib.util
for heavy in ("torch", "transformers", "trl", "sentence_transformers"):
    assert importlib.util.find_spec(heavy) is None, f"the core install pulled {heavy}"
import prefkit, prefkit.analysis, prefkit.ranking, prefkit.rewards, prefkit.annotate  # noqa
print("core install: no torch, transformers, trl or sentence-transformers")
PY
db="sqlite:///$tmp/w.db"
"$bin/prefkit" import --sample --db "$db" --json > import.json
grep -q '"added": 1500' import.json
"$bin/prefkit" analyze --db "$db" --bootstrap 50 --json > analyze.json
grep -q '"records": 1500' analyze.json
"$bin/prefkit" rank --db "$db" --bootstrap 50 --json > rank.json
grep -q '"items": 3' rank.json
"$bin/prefkit" rules eval --db "$db" --json > rules.json
# a missing extra says which one to install
if "$bin/prefkit" rm train --db "$db" --out "$tmp/rm" > rm.txt 2>&1; then
  echo "rm train ran without the models extra" >&2; exit 1
fi
grep -q "pip install 'prefkit\[models\]'" rm.txt || { cat rm.txt >&2; exit 1; }
port=$("$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/prefkit" serve --demo --db "sqlite:///$tmp/demo.db" --port "$port" > serve.log 2>&1 &
server=$!
for _ in $(seq 1 100); do
  "$bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
"$bin/python" - "$port" <<'PY'
import sys, urllib.request as u
base = f"http://127.0.0.1:{sys.argv[1]}"
page = u.urlopen(base + "/login", timeout=5).read().decode()
assert "<form" in page, page[:300]  # a template rendered
css = u.urlopen(base + "/static/style.css", timeout=5).read()
assert len(css) > 100  # static files are in the wheel
print("serve --demo: /login and /static/style.css answer from the installed wheel")
PY
echo "wheel check passed"
