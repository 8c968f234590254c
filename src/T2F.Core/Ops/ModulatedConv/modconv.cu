// Direct modulated convolution for small batches: modulation and demodulation fused into the convolution.
// x: [B, I, H, W]; w: [O, I, K, K] shared weight (unscaled); s: [B, I] styles; dcoef: [B, O] (or null: no demodulation).
// y[b,o,oy,ox] = dcoef[b,o] * scale * sum_i s[b,i] * sum_{ky,kx} w[o,i,ky,kx] * x[b,i, oy*stride+ky-pad, ox*stride+kx-pad]
// (cross-correlation, zero padding), K in {1, 3}. Tiles of TILE x TILE outputs for OC_PER_BLOCK output channels;
// the input tile (with halo) and the weights of one input channel are staged in shared memory.
// Upsampling (transposed conv + blur) and downsampling (blur + stride 2) are composed with t2f_upfirdn2d.

#define TILE 16
#define OC_PER_BLOCK 8
#define MAX_K 3
#define MAX_STRIDE 2
#define IN_TILE ((TILE - 1) * MAX_STRIDE + MAX_K)

extern "C" __global__ void t2f_modconv_direct(
    const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ s, const float* __restrict__ dcoef,
    float* __restrict__ y, int batch, int in_channels, int out_channels, int h, int wd, int out_h, int out_w,
    int k, int stride, int pad, float scale)
{
    __shared__ float tile[IN_TILE][IN_TILE];
    __shared__ float wsh[OC_PER_BLOCK][MAX_K * MAX_K];

    int tiles_x = (out_w + TILE - 1) / TILE;
    int tx0 = (blockIdx.x % tiles_x) * TILE;
    int ty0 = (blockIdx.x / tiles_x) * TILE;
    int oc0 = blockIdx.y * OC_PER_BLOCK;
    int b = blockIdx.z;
    int lx = threadIdx.x, ly = threadIdx.y;
    int ox = tx0 + lx, oy = ty0 + ly;
    int in_tile = (TILE - 1) * stride + k;
    int ix0 = tx0 * stride - pad, iy0 = ty0 * stride - pad;

    float acc[OC_PER_BLOCK];
    for (int j = 0; j < OC_PER_BLOCK; j++) acc[j] = 0.0f;

    for (int i = 0; i < in_channels; i++) {
        float si = s[b * in_channels + i] * scale;
        const float* xp = x + ((long long)b * in_channels + i) * h * wd;
        for (int t = ly * TILE + lx; t < in_tile * in_tile; t += TILE * TILE) {
            int ty = t / in_tile, tx = t % in_tile;
            int gy = iy0 + ty, gx = ix0 + tx;
            tile[ty][tx] = (gy >= 0 && gy < h && gx >= 0 && gx < wd) ? xp[(long long)gy * wd + gx] * si : 0.0f;
        }
        for (int t = ly * TILE + lx; t < OC_PER_BLOCK * k * k; t += TILE * TILE) {
            int j = t / (k * k), q = t % (k * k);
            int o = oc0 + j;
            wsh[j][q] = o < out_channels ? w[(((long long)o * in_channels) + i) * k * k + q] : 0.0f;
        }
        __syncthreads();
        if (ox < out_w && oy < out_h) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    float v = tile[ly * stride + ky][lx * stride + kx];
                    for (int j = 0; j < OC_PER_BLOCK; j++) acc[j] += v * wsh[j][ky * k + kx];
                }
            }
        }
        __syncthreads();
    }

    if (ox < out_w && oy < out_h) {
        for (int j = 0; j < OC_PER_BLOCK; j++) {
            int o = oc0 + j;
            if (o >= out_channels) break;
            float d = dcoef != nullptr ? dcoef[b * out_channels + o] : 1.0f;
            y[(((long long)b * out_channels + o) * out_h + oy) * out_w + ox] = acc[j] * d;
        }
    }
}

// Modulated transposed convolution with stride 2 and no padding (the upsampling half of StyleGAN2's up layer):
// y[b,o,ty,tx] = dcoef[b,o] * scale * sum_i s[b,i] * sum_{jy,jx} x[b,i,jy,jx] * w[o,i,ty-2jy,tx-2jx], output (2H-1+K) x (2W-1+K).
// The blur that follows is t2f_upfirdn2d.
extern "C" __global__ void t2f_modconv_transpose2x(
    const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ s, const float* __restrict__ dcoef,
    float* __restrict__ y, int batch, int in_channels, int out_channels, int h, int wd, int k, float scale)
{
    int out_h = 2 * (h - 1) + k, out_w = 2 * (wd - 1) + k;
    long long total = (long long)batch * out_channels * out_h * out_w;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total; idx += (long long)blockDim.x * gridDim.x) {
        int tx = idx % out_w;
        int ty = (idx / out_w) % out_h;
        int o = (idx / ((long long)out_w * out_h)) % out_channels;
        int b = idx / ((long long)out_w * out_h * out_channels);
        float acc = 0.0f;
        for (int ky = ty % 2; ky < k; ky += 2) {
            int jy = (ty - ky) / 2;
            if (jy < 0 || jy >= h) continue;
            for (int kx = tx % 2; kx < k; kx += 2) {
                int jx = (tx - kx) / 2;
                if (jx < 0 || jx >= wd) continue;
                for (int i = 0; i < in_channels; i++) {
                    acc += x[(((long long)b * in_channels + i) * h + jy) * wd + jx] * s[b * in_channels + i]
                         * w[(((long long)o * in_channels + i) * k + ky) * k + kx];
                }
            }
        }
        float d = dcoef != nullptr ? dcoef[b * out_channels + o] : 1.0f;
        y[idx] = acc * scale * d;
    }
}
