#!/usr/bin/env bash
# Fuzzes every parser of T2F.Core with afl-fuzz + SharpFuzz for a bounded time, then copies what it found into the
# replay corpus that the ordinary tests run (tests/fuzz-corpus/TARGET/): the seeds, up to 40 small queue entries, and
# every crash (a crash is an exception the parser does not document; fix it, keep the file).
#
#   tests/T2F.Fuzz/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     (default 120 s, every target)
#
# Needs: afl++ (Debian: apt-get install afl++), SharpFuzz.CommandLine (installed below into artifacts/tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-120}
shift || true
work=artifacts/fuzz
tools=artifacts/tools
command -v afl-fuzz >/dev/null || { echo "error: afl-fuzz not found; install afl++ (apt-get install afl++)." >&2; exit 1; }
[ -x "$tools/sharpfuzz" ] || dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null

rm -rf "$work" && mkdir -p "$work/findings"
dotnet publish tests/T2F.Fuzz -c Release -o "$work/bin" -v q -nologo >/dev/null
dotnet "$work/bin/T2F.Fuzz.dll" seeds "$work/seeds"           # before instrumenting: it then runs only under afl-fuzz
"$tools/sharpfuzz" "$work/bin/T2F.Core.dll"                   # instrument the library, not the harness

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls "$work/seeds"))
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
printf '| parser | seconds | executions | corpus entries | crashes |\n|---|---:|---:|---:|---:|\n' > "$work/table.md"
for t in "${targets[@]}"; do
  out="$work/findings/$t"
  afl-fuzz -i "$work/seeds/$t" -o "$out" -t 5000 -m none -V "$seconds" -- dotnet "$work/bin/T2F.Fuzz.dll" "$t" >"$work/$t.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats" 2>/dev/null || echo 0)
  corpus=$(awk -F' *: *' '$1=="corpus_count"{print $2}' "$stats" 2>/dev/null || echo 0)
  crashes=$(awk -F' *: *' '$1=="saved_crashes"{print $2}' "$stats" 2>/dev/null || echo 0)
  printf '| %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${execs:-0}" "${corpus:-0}" "${crashes:-0}" >> "$work/table.md"
  keep=tests/fuzz-corpus/$t
  mkdir -p "$keep"
  cp "$work/seeds/$t/seed" "$keep/seed"
  find "$out/default/queue" -maxdepth 1 -type f -name 'id:*' -size -4k 2>/dev/null | sort | head -40 | while read -r f; do cp "$f" "$keep/q-$(sha1sum "$f" | cut -c1-12)"; done
  find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | while read -r f; do cp "$f" "$keep/crash-$(sha1sum "$f" | cut -c1-12)"; done
done
cat "$work/table.md"
