#!/usr/bin/env bash
# GPU check for the CUDA kernels of the op folders (src/T2F.Core/Ops/<op>/*.cu): one short run (well under
# 8 minutes) on a machine with an NVIDIA GPU, CUDA's NVRTC and python3 with PyTorch, but no .NET SDK and no libtorch
# for .NET.
#
# 1. Here (with the SDK), publish the self-contained harness without libtorch into an ignored folder, and write the
#    library reference path's outputs for every spec case beside it (about 12 MB; the harness on the GPU machine
#    compares its kernels with these):
#      dotnet publish benchmarks/T2F.CudaCheck -c Release -r linux-x64 --self-contained \
#        -p:PublishTrimmed=true -p:SuppressTrimAnalysisWarnings=true -p:T2FCudaCheckLibTorch=false -o artifacts/cudacheck
#      dotnet run --project benchmarks/T2F.CudaCheck -c Release -- write-expected artifacts/cudacheck/expected
# 2. On the GPU machine, from the repository root:
#      native/cuda/check-gpu.sh artifacts/cudacheck "$OUT"
# Writes results.json / results.md (kernel vs reference path: max abs error, time), torch.json (PyTorch's own
# ops on the same shapes) and summary.md (both side by side) into the output folder.
set -uo pipefail
harness=${1:-artifacts/cudacheck}
out=${2:-${OUT:-cuda-check-out}}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt" 2>&1 || echo "nvidia-smi unavailable" > "$out/gpu.txt"

expected=()
if [ -d "$harness/expected" ]; then
  expected=(--expected "$harness/expected")
fi
timeout 300 "$harness/T2F.CudaCheck" --out "$out" --reps 50 "${expected[@]}" 2>&1 | tee "$out/harness.log"
rc=${PIPESTATUS[0]}

timeout 180 python3 "$here/torch_timing.py" --out "$out" 2>&1 | tee "$out/torch.log" || echo "PyTorch timing failed (see torch.log)"
exit "$rc"
