# shellcheck shell=bash
# Helpers for scripts/bench (sourced, not run). Results go to stdout as JSON lines; everything a
# person reads goes to stderr. Expects ROOT, WORK, REPEAT, BENCH_TIMEOUT to be set by the caller.

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# Python for JSON and arithmetic-free parsing: the bench venv once it exists, else python3.
bench_python() {
  if [[ -x "$ROOT/.venv/bin/python" ]]; then printf '%s' "$ROOT/.venv/bin/python"; else printf 'python3'; fi
}

# json_line k=v ... : prints one compact JSON object. `k=v` is a string; `k:=v` is raw JSON
# (number, true/false, null, array); an empty raw value becomes null.
json_line() {
  "$(bench_python)" - "$@" <<'PY'
import json, sys
out = {}
for arg in sys.argv[1:]:
    if ":=" in arg and ("=" not in arg or arg.index(":=") < arg.index("=")):
        key, raw = arg.split(":=", 1)
        out[key] = json.loads(raw) if raw.strip() else None
    else:
        key, value = arg.split("=", 1)
        out[key] = value
print(json.dumps(out, separators=(",", ":"), ensure_ascii=False))
PY
}

# json_get FILE KEY: the value of KEY in the JSON object a command printed (the whole output, or
# else its last line that is a JSON object); empty when absent.
json_get() {
  "$(bench_python)" - "$1" "$2" <<'PY'
import json, sys
path, key = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8", errors="replace").read()
obj = None
try:
    obj = json.loads(text)
except ValueError:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                break
            except ValueError:
                pass
if isinstance(obj, dict) and obj.get(key) is not None:
    value = obj[key]
    print(json.dumps(value) if not isinstance(value, str) else value)
PY
}

# calc EXPR [DECIMALS]: awk arithmetic, rounded to DECIMALS (default 3) with trailing zeros
# dropped; "null" when it cannot be computed (division by zero).
calc() {
  local out
  out=$(awk "BEGIN { x = ($1); printf \"%.${2:-3}f\", x }" 2>/dev/null) || { printf 'null'; return 0; }
  case "$out" in *inf* | *nan* | "") printf 'null'; return 0 ;; esac
  [[ "$out" == *.* ]] && out=$(sed -e 's/0*$//' -e 's/\.$//' <<<"$out")
  [[ "$out" == "-0" ]] && out=0
  printf '%s' "$out"
}

file_bytes() { stat -c %s "$1"; }

# shellcheck disable=SC2034  # M_* are read by the caller
# measure [--ok "0 1"] LABEL CMD...: runs CMD $REPEAT times under /usr/bin/time -f '%e %M' (and a
# timeout of $BENCH_TIMEOUT s, so the bench always ends). --ok lists the exit statuses that still
# count as a measurement (default 0). Sets:
#   M_OK=1|0, M_ERROR (why not), M_WALL (best wall seconds), M_WALLS (all, JSON array),
#   M_RSS_KB (largest peak RSS over the runs), M_OUT (stdout of the last run), M_STATUS.
measure() {
  local ok_status="0"
  if [[ "$1" == --ok ]]; then ok_status=$2; shift 2; fi
  local label=$1; shift
  local tfile="$WORK/.time.$label" efile="$WORK/.stderr.$label"
  M_OK=1 M_ERROR="" M_WALL="" M_WALLS="" M_RSS_KB="" M_STATUS=0 M_OUT="$WORK/.stdout.$label"
  local i rc wall rss walls=() best="" maxrss=0
  for ((i = 1; i <= REPEAT; i++)); do
    rc=0
    /usr/bin/time -f '%e %M' -o "$tfile" \
      timeout --kill-after=30 "$BENCH_TIMEOUT" "$@" >"$M_OUT" 2>"$efile" || rc=$?
    M_STATUS=$rc
    if [[ " $ok_status " != *" $rc "* ]]; then
      M_OK=0
      if ((rc == 124 || rc == 137)); then M_ERROR="timed out after ${BENCH_TIMEOUT}s"; else M_ERROR="exit status $rc"; fi
      log "$label: $M_ERROR: $*"
      tail -n 15 "$efile" | sed 's/^/    /' >&2
      return 0
    fi
    read -r wall rss < <(tail -n 1 "$tfile")
    walls+=("$wall")
    if [[ -z "$best" ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    ((rss > maxrss)) && maxrss=$rss
    log "$label: run $i/$REPEAT: ${wall}s, $((rss / 1024)) MB"
  done
  M_WALL=$best
  M_RSS_KB=$maxrss
  M_WALLS="[$(IFS=,; printf '%s' "${walls[*]}")]"
}

# Machine description, the first line of every report.
machine_line() {
  local cpu cores mem_gb swift_v libxml_raw libxml_v py_v lxml_v
  cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')
  [[ -n "$cpu" ]] || cpu=$(uname -m)
  cores=$(nproc)
  mem_gb=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
  swift_v=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -n 1 || true)
  libxml_raw=$(xmllint --version 2>&1 | sed -n 's/.*using libxml version \([0-9]*\).*/\1/p' | head -n 1 || true)
  if [[ -n "$libxml_raw" ]]; then
    libxml_v="$((10#$libxml_raw / 10000)).$((10#$libxml_raw / 100 % 100)).$((10#$libxml_raw % 100))"
  else
    libxml_v=""
  fi
  py_v=$("$(bench_python)" -c 'import platform; print(platform.python_version())' 2>/dev/null || true)
  lxml_v=$("$(bench_python)" -c 'import lxml.etree as e; print(e.__version__, ".".join(map(str, e.LIBXML_VERSION)))' 2>/dev/null || true)
  json_line bench=machine date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" cpu="$cpu" cores:="$cores" mem_gb:="$mem_gb" \
    swift="$swift_v" libxml2="$libxml_v" python="$py_v" lxml="${lxml_v%% *}" lxml_libxml2="${lxml_v#* }" \
    kernel="$(uname -r)"
}
