namespace T2F.CudaCheck;

/// <summary>Plain loops in double precision: an independent reference for every kernel (no TorchSharp, no GPU).</summary>
public static class CpuReference
{
    public static float[] BiasAct(float[] x, float[] bias, int channels, int inner, float slope, float gain)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i] + bias[(i / inner) % channels];
            y[i] = (float)((v > 0 ? v : v * slope) * gain);
        }

        return y;
    }

    public static float[] BiasActBackward(float[] dy, float[] y, float slope, float gain)
    {
        var dx = new float[dy.Length];
        for (int i = 0; i < dy.Length; i++)
        {
            dx[i] = (float)(dy[i] * gain * (y[i] > 0 ? 1.0 : slope));
        }

        return dx;
    }

    /// <summary>Demodulation coefficients [B, O] and modulated weights [B, O, I, KK].</summary>
    public static (float[] Weights, float[] Demod) Modulate(float[] w, float[] s, int b, int o, int i, int kk, float scale, bool demodulate)
    {
        var weights = new float[b * o * i * kk];
        var demod = new float[b * o];
        for (int bb = 0; bb < b; bb++)
        {
            for (int oo = 0; oo < o; oo++)
            {
                double sum = 0;
                for (int ii = 0; ii < i; ii++)
                {
                    for (int k = 0; k < kk; k++)
                    {
                        double v = scale * w[((oo * i) + ii) * kk + k] * s[(bb * i) + ii];
                        sum += v * v;
                    }
                }

                double d = demodulate ? 1.0 / Math.Sqrt(sum + 1e-8) : 1.0;
                demod[(bb * o) + oo] = (float)d;
                for (int ii = 0; ii < i; ii++)
                {
                    for (int k = 0; k < kk; k++)
                    {
                        weights[((((bb * o) + oo) * i) + ii) * kk + k] = (float)(scale * w[((oo * i) + ii) * kk + k] * s[(bb * i) + ii] * d);
                    }
                }
            }
        }

        return (weights, demod);
    }

    /// <summary>Per-sample conv2d (cross-correlation) with modulated weights [B, O, I, K, K].</summary>
    public static float[] ConvPerSample(float[] x, float[] weights, int b, int i, int o, int h, int w, int k, int stride, int pad)
    {
        int outH = ((h + (2 * pad) - k) / stride) + 1, outW = ((w + (2 * pad) - k) / stride) + 1;
        var y = new float[b * o * outH * outW];
        Parallel.For(0, b * o, bo =>
        {
            int bb = bo / o, oo = bo % o;
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    double acc = 0;
                    for (int ii = 0; ii < i; ii++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            int iy = (oy * stride) + ky - pad;
                            if (iy < 0 || iy >= h)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < k; kx++)
                            {
                                int ix = (ox * stride) + kx - pad;
                                if (ix < 0 || ix >= w)
                                {
                                    continue;
                                }

                                acc += x[((((bb * i) + ii) * h) + iy) * w + ix] * weights[((((((bb * o) + oo) * i) + ii) * k) + ky) * k + kx];
                            }
                        }
                    }

                    y[((((bb * o) + oo) * outH) + oy) * outW + ox] = (float)acc;
                }
            }
        });
        return y;
    }

    /// <summary>Per-sample transposed conv, stride 2, no padding, weights [B, O, I, K, K] (PyTorch's conv_transpose layout, swapped).</summary>
    public static float[] ConvTranspose2x(float[] x, float[] weights, int b, int i, int o, int h, int w, int k)
    {
        int outH = (2 * (h - 1)) + k, outW = (2 * (w - 1)) + k;
        var y = new double[b * o * outH * outW];
        for (int bb = 0; bb < b; bb++)
        {
            for (int oo = 0; oo < o; oo++)
            {
                for (int ii = 0; ii < i; ii++)
                {
                    for (int jy = 0; jy < h; jy++)
                    {
                        for (int jx = 0; jx < w; jx++)
                        {
                            double v = x[((((bb * i) + ii) * h) + jy) * w + jx];
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    y[((((bb * o) + oo) * outH) + (2 * jy) + ky) * outW + (2 * jx) + kx] += v * weights[((((((bb * o) + oo) * i) + ii) * k) + ky) * k + kx];
                                }
                            }
                        }
                    }
                }
            }
        }

        return y.Select(v => (float)v).ToArray();
    }

    /// <summary>upfirdn2d exactly as the reference: zero insertion, pad/crop, true convolution, downsample.</summary>
    public static float[] UpFirDn2d(float[] x, float[] kernel, int planes, int h, int w, int kh, int kw, int up, int down, int p0, int p1, out int outH, out int outW)
    {
        int uh = h * up, uw = w * up;
        outH = (uh + p0 + p1 - kh + down) / down;
        outW = (uw + p0 + p1 - kw + down) / down;
        var y = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    double acc = 0;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int yy = (oy * down) + ky - p0, xx = (ox * down) + kx - p0;
                            if (yy < 0 || xx < 0 || yy >= uh || xx >= uw || yy % up != 0 || xx % up != 0)
                            {
                                continue;
                            }

                            acc += x[(((p * h) + (yy / up)) * w) + (xx / up)] * kernel[((kh - 1 - ky) * kw) + (kw - 1 - kx)];
                        }
                    }

                    y[(((p * outH) + oy) * outW) + ox] = (float)acc;
                }
            }
        }

        return y;
    }
}
