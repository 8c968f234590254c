// Weight modulation + demodulation in one pass (StyleGAN2 ModulatedConv2d, fused path).
// w: [O, I, K*K] shared weight (unscaled); s: [B, I] styles; out: [B, O, I, K*K] per-sample weights;
// dcoef: [B, O] demodulation coefficients (written even when demodulate == 0, as 1).
// out[b,o,i,k] = scale * w[o,i,k] * s[b,i] * dcoef[b,o],  dcoef = rsqrt(sum_{i,k} (scale w s)^2 + 1e-8).
// One block per (b, o); blockDim.x a power of two.

extern "C" __global__ void t2f_modulate_weights(
    const float* __restrict__ w, const float* __restrict__ s, float* __restrict__ out, float* __restrict__ dcoef,
    int batch, int out_channels, int in_channels, int kk, float scale, int demodulate)
{
    extern __shared__ float partial[];
    int b = blockIdx.x / out_channels;
    int o = blockIdx.x % out_channels;
    int n = in_channels * kk;
    const float* wo = w + (long long)o * n;
    const float* sb = s + (long long)b * in_channels;
    float sum = 0.0f;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float v = scale * wo[j] * sb[j / kk];
        sum += v * v;
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int t = blockDim.x / 2; t > 0; t >>= 1) {
        if (threadIdx.x < t) partial[threadIdx.x] += partial[threadIdx.x + t];
        __syncthreads();
    }
    float d = demodulate ? rsqrtf(partial[0] + 1e-8f) : 1.0f;
    float* dst = out + ((long long)b * out_channels + o) * n;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        dst[j] = scale * wo[j] * sb[j / kk] * d;
    }
    if (threadIdx.x == 0 && dcoef != nullptr) dcoef[b * out_channels + o] = d;
}
