#!/usr/bin/env bash
# GPU check for the CUDA kernels: one short run (well under 8 minutes) on a machine with an NVIDIA GPU,
# CUDA's NVRTC and python3 with PyTorch, but no .NET SDK.
#
# 1. Here (with the SDK), publish the self-contained harness into an ignored folder:
#      dotnet publish benchmarks/T2F.CudaCheck -c Release -r linux-x64 --self-contained \
#        -p:PublishTrimmed=true -p:SuppressTrimAnalysisWarnings=true -o artifacts/cudacheck
# 2. On the GPU machine, from the repository root:
#      native/cuda/check-gpu.sh artifacts/cudacheck "$OUT"
# Writes results.json / results.md (kernel vs C# reference: max abs error, time), torch.json (PyTorch's own
# ops on the same shapes) and summary.md (both side by side) into the output folder.
set -uo pipefail
harness=${1:-artifacts/cudacheck}
out=${2:-${OUT:-cuda-check-out}}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt" 2>&1 || echo "nvidia-smi unavailable" > "$out/gpu.txt"

timeout 300 "$harness/T2F.CudaCheck" --out "$out" --reps 50 2>&1 | tee "$out/harness.log"
rc=${PIPESTATUS[0]}

timeout 180 python3 "$here/torch_timing.py" --out "$out" 2>&1 | tee "$out/torch.log" || echo "PyTorch timing failed (see torch.log)"
exit "$rc"
