// upfirdn2d forward (reference: rosinality op/upfirdn2d.py, upfirdn2d_native): per [H, W] plane of
// x [P, H, W] (P = N*C), upsample by zero insertion (up), pad (negative pads crop), true convolution with the
// FIR kernel [kh, kw] (the kernel is flipped, then cross-correlated), keep every down-th sample.
// One thread per output element.

extern "C" __global__ void t2f_upfirdn2d(
    const float* __restrict__ x, const float* __restrict__ kernel, float* __restrict__ y,
    int planes, int h, int w, int kh, int kw, int up_x, int up_y, int down_x, int down_y,
    int pad_x0, int pad_y0, int out_h, int out_w)
{
    long long total = (long long)planes * out_h * out_w;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x) {
        int ox = idx % out_w;
        int oy = (idx / out_w) % out_h;
        long long p = idx / ((long long)out_w * out_h);
        const float* xp = x + p * h * w;
        float acc = 0.0f;
        for (int ky = 0; ky < kh; ky++) {
            // Position in the zero-inserted signal (before padding): oy*down + ky - pad0.
            int uy = oy * down_y + ky - pad_y0;
            if (uy < 0 || uy % up_y != 0) continue;
            int iy = uy / up_y;
            if (iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ux = ox * down_x + kx - pad_x0;
                if (ux < 0 || ux % up_x != 0) continue;
                int ix = ux / up_x;
                if (ix >= w) continue;
                acc += xp[(long long)iy * w + ix] * kernel[(kh - 1 - ky) * kw + (kw - 1 - kx)];
            }
        }
        y[idx] = acc;
    }
}
