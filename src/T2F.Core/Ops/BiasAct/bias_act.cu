// Fused bias + activation for StyleGAN2 (reference: rosinality op/fused_act.py, NVlabs bias_act).
// Layout: x is [outer, C, inner] contiguous float32; bias is [C] (or null). act: 0 = linear, 1 = leaky ReLU.
// y = act(x + b) * gain, optionally clamped to [-clamp, clamp] (clamp < 0 disables it).

extern "C" __global__ void t2f_bias_act_forward(
    const float* __restrict__ x, const float* __restrict__ bias, float* __restrict__ y,
    long long total, int channels, long long inner, int act, float slope, float gain, float clamp)
{
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)blockDim.x * gridDim.x) {
        float v = x[i];
        if (bias != nullptr) {
            v += bias[(i / inner) % channels];
        }
        if (act == 1) {
            v = v > 0.0f ? v : v * slope;
        }
        v *= gain;
        if (clamp >= 0.0f) {
            v = fminf(fmaxf(v, -clamp), clamp);
        }
        y[i] = v;
    }
}

// Gradient w.r.t. x (and, summed over outer/inner, w.r.t. the bias): dy * gain * act'(x + b), zero where clamped.
// The derivative is taken from the forward output's sign, as NVlabs does: y > 0 <=> x + b > 0 for gain > 0.
extern "C" __global__ void t2f_bias_act_backward(
    const float* __restrict__ dy, const float* __restrict__ y, float* __restrict__ dx,
    long long total, int act, float slope, float gain, float clamp)
{
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)blockDim.x * gridDim.x) {
        float g = dy[i] * gain;
        float out = y[i];
        if (act == 1 && !(out > 0.0f)) {
            g *= slope;
        }
        if (clamp >= 0.0f && fabsf(out) >= clamp) {
            g = 0.0f;
        }
        dx[i] = g;
    }
}

// Bias gradient: db[c] = sum over outer and inner of dx. One block per channel, shared-memory tree reduction.
extern "C" __global__ void t2f_bias_grad(
    const float* __restrict__ dx, float* __restrict__ db, long long outer, int channels, long long inner)
{
    extern __shared__ float partial[];
    int c = blockIdx.x;
    float sum = 0.0f;
    long long per_channel = outer * inner;
    for (long long j = threadIdx.x; j < per_channel; j += blockDim.x) {
        long long o = j / inner, k = j % inner;
        sum += dx[(o * channels + c) * inner + k];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) db[c] = partial[0];
}
