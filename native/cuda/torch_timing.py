"""Times PyTorch's own CUDA ops on the shapes the T2F.CudaCheck harness checks, and writes torch.json plus
summary.md (harness results and PyTorch side by side). Run by check-gpu.sh on the GPU machine."""
import argparse, json, math, os, time

import torch
import torch.nn.functional as F


def timed(fn, reps=50):
    fn()
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t) * 1000 / reps


def modconv_reference(x, w, s, k, demod=True, up=False):
    # rosinality's fused path: per-sample weights + grouped conv (transposed for up, followed by the blur).
    b, i, h, wd = x.shape
    o = w.shape[0]
    scale = 1 / math.sqrt(i * k * k)
    weight = scale * w.unsqueeze(0) * s.view(b, 1, i, 1, 1)
    if demod:
        weight = weight * torch.rsqrt(weight.pow(2).sum([2, 3, 4]) + 1e-8).view(b, o, 1, 1, 1)
    if up:
        weight = weight.transpose(1, 2).reshape(b * i, o, k, k)
        y = F.conv_transpose2d(x.view(1, b * i, h, wd), weight, stride=2, groups=b)
        kern = torch.tensor([1., 3., 3., 1.], device=x.device)
        kern = (kern[None, :] * kern[:, None]) / 16.0
        y = y.view(b * o, 1, y.shape[-2], y.shape[-1])
        return F.conv2d(F.pad(y, (1, 1, 1, 1)), kern.flip(0, 1)[None, None])
    return F.conv2d(x.view(1, b * i, h, wd), weight.view(b * o, i, k, k), padding=k // 2, groups=b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    dev = torch.device("cuda")
    rows = []
    for (outer, c, inner) in [(8, 512, 64 * 64), (1, 128, 256 * 256)]:
        x = torch.randn(outer, c, inner, device=dev)
        b = torch.randn(c, device=dev)
        ms = timed(lambda: F.leaky_relu(x + b.view(1, -1, 1), 0.2) * math.sqrt(2))
        rows.append({"op": "bias_act forward", "shape": f"[{outer}, {c}, {inner}]", "torch_ms": ms, "torch_op": "leaky_relu(x + b) * sqrt2"})
    for (b, i, o, hw, k) in [(1, 512, 512, 16, 3), (8, 512, 512, 64, 3), (1, 128, 128, 256, 3)]:
        x = torch.randn(b, i, hw, hw, device=dev)
        w = torch.randn(o, i, k, k, device=dev)
        s = torch.randn(b, i, device=dev)
        ms = timed(lambda: modconv_reference(x, w, s, k))
        rows.append({"op": "modconv timing", "shape": f"B{b} {i}->{o} {hw}x{hw} k{k}", "torch_ms": ms, "torch_op": "modulate + grouped conv2d"})
    x = torch.randn(2, 48, 16, 16, device=dev)
    w = torch.randn(40, 48, 3, 3, device=dev)
    s = torch.randn(2, 48, device=dev)
    rows.append({"op": "modconv up (transposed + blur)", "shape": "B2 48->40 16x16 k3 up", "torch_ms": timed(lambda: modconv_reference(x, w, s, 3, up=True)), "torch_op": "grouped conv_transpose2d + blur"})

    with open(os.path.join(args.out, "torch.json"), "w") as f:
        json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "rows": rows}, f, indent=1)

    ours = {}
    path = os.path.join(args.out, "results.json")
    if os.path.exists(path):
        with open(path) as f:
            for r in json.load(f).get("results", []):
                ours[(r["op"], r["shape"])] = r
    lines = [f"GPU: {torch.cuda.get_device_name(0)}, PyTorch {torch.__version__}", "",
             "| op | shape | T2F kernel ms | PyTorch ms | PyTorch op | speed-up | max abs error |", "|---|---|---:|---:|---|---:|---:|"]
    for r in rows:
        o = ours.get((r["op"], r["shape"]))
        t = o["ms"] if o else float("nan")
        err = f"{o['max_abs_error']:.2e}" if o and o["tolerance"] > 0 else "n/a"
        lines.append(f"| {r['op']} | {r['shape']} | {t:.3f} | {r['torch_ms']:.3f} | {r['torch_op']} | {r['torch_ms'] / t if o else float('nan'):.2f}x | {err} |")
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
