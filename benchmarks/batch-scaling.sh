#!/usr/bin/env bash
# Faces/s of one batch job run four ways on this machine: in one process (T2F.Batch local, shards at once = cores)
# and on demo-cluster with 1, 2 and 3 silo processes on loopback (shards at once = cores / silos, at least 1), in ROUNDS
# interleaved rounds (so that a load that comes and goes hits every way alike), with the median of each; checks that
# every cluster folder holds the bytes of the single-process one. Silos of one machine share its cores, so this
# measures the overhead of the cluster (leases, grain calls, separate processes), not a speed-up.
#   benchmarks/batch-scaling.sh [FACES] [SHARD_SIZE] [ROUNDS]     (default 192 faces in shards of 16, 3 rounds)
# local's rate is faces / BatchGenerator.Run's time; a cluster's is the job grain's, first lease to last commit (the
# silos' start and model load excluded, as local's model load is).
set -euo pipefail
cd "$(dirname "$0")/.."
faces=${1:-192}
shard=${2:-16}
rounds=${3:-3}
cores=$(nproc)
dotnet build samples/T2F.Batch -c Release -v q -nologo >/dev/null
batch=(dotnet samples/T2F.Batch/bin/Release/net10.0/T2F.Batch.dll)
work=$(mktemp -d /tmp/t2f-batch-scaling.XXXXXX)
trap 'rm -rf "$work"' EXIT
job=(--synthfaces "$faces" --seed 0 --shard-size "$shard")
rate() { sed -n 's/.* \([0-9.]*\) faces\/s.*/\1/p'; }   # the faces/s of a Done line

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p') ($cores cores); $faces faces in shards of $shard; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A rates
for round in $(seq "$rounds"); do
  rm -rf "$work"/*
  rates[local]+="$("${batch[@]}" local "${job[@]}" --threads "$cores" --out "$work/local" | tail -1 | rate) "
  for n in 1 2 3; do
    rates[$n]+="$("${batch[@]}" demo-cluster --silos "$n" "${job[@]}" --out "$work/silos$n" | grep '^Done' | rate) "
    diff -r -x .t2f-run.lock "$work/local" "$work/silos$n" >/dev/null || { echo "the $n-silo folder differs from local's" >&2; exit 1; }
  done
  last() { awk '{print $NF}' <<<"$1"; }
  echo "round $round: local $(last "${rates[local]}"), 1/2/3 silos: $(last "${rates[1]}") $(last "${rates[2]}") $(last "${rates[3]}") faces/s"
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
base=$(echo "${rates[local]}" | median)
echo "median faces/s: local $base (runs: ${rates[local]})"
for n in 1 2 3; do
  m=$(echo "${rates[$n]}" | median)
  echo "median faces/s: $n silo(s) $m (runs: ${rates[$n]}) = $(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.0f", 100 * a / b}') % of local"
done
png=$(find "$work/local/img_align_celeba" -name '*.png' -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s / NR}')
echo "every cluster folder == local's, byte for byte; mean PNG size $png bytes; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
