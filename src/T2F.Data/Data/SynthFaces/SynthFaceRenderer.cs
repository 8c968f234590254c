using SkiaSharp;
using A = T2F.Core.Data.CelebAAttribute;

namespace T2F.Core.Data.SynthFaces;

/// <summary>
/// Draws a <see cref="SynthFace"/> with SkiaSharp vector paths (anti-aliased), so any size from 32 to 1024 pixels
/// is crisp. Drawing happens in a 256-unit canvas scaled to the output; each attribute changes the part of the
/// face it names (glasses over the eyes, a hat over the top of the head, lipstick on the lips, ...).
/// </summary>
/// <remarks>Thread-safe: every call uses its own surface and paints. The output depends only on the face and the size.</remarks>
public static class SynthFaceRenderer
{
    /// <summary>Smallest supported output size in pixels.</summary>
    public const int MinSize = 16;

    /// <summary>Largest supported output size in pixels.</summary>
    public const int MaxSize = 4096;

    private const float Cx = 128f;
    private const float Cy = 112f;

    private static readonly SKColor Ink = new(0x2a, 0x18, 0x10);

    /// <summary>Renders a square RGBA image (unpremultiplied, opaque).</summary>
    /// <param name="face">The face.</param>
    /// <param name="size">Width and height in pixels.</param>
    public static SKBitmap RenderBitmap(SynthFace face, int size)
    {
        ArgumentNullException.ThrowIfNull(face);
        CheckSize(size);
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            Draw(canvas, face, size);
        }

        return bitmap;
    }

    /// <summary>Renders packed RGB bytes (row-major, 3 bytes a pixel), the layout of <c>ImageTensor.ToRgb24</c>.</summary>
    /// <param name="face">The face.</param>
    /// <param name="size">Width and height in pixels.</param>
    public static byte[] RenderRgb24(SynthFace face, int size)
    {
        using var bitmap = RenderBitmap(face, size);
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[size * size * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }

        return rgb;
    }

    /// <summary>Renders and encodes a PNG.</summary>
    /// <param name="face">The face.</param>
    /// <param name="size">Width and height in pixels.</param>
    public static byte[] RenderPng(SynthFace face, int size)
    {
        using var bitmap = RenderBitmap(face, size);
        using var pixmap = bitmap.PeekPixels();
        // Sub + Up filters and zlib level 4: within a few percent of the default's size, several times faster.
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub | SKPngEncoderFilterFlags.Up, 4))
            ?? throw new InvalidOperationException("SkiaSharp could not encode the PNG.");
        return data.ToArray();
    }

    /// <summary>Draws the face into any canvas (raster, PDF, SVG) over the square (0, 0)-(size, size).</summary>
    /// <param name="canvas">Destination; its matrix and clip are restored afterwards.</param>
    /// <param name="face">The face.</param>
    /// <param name="size">Side of the square, in canvas units.</param>
    public static void Draw(SKCanvas canvas, SynthFace face, float size)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(face);
        int saved = canvas.Save();
        try
        {
            canvas.Scale(size / 256f);
            canvas.ClipRect(new SKRect(0, 0, 256, 256));
            using var painter = new Painter(canvas, face);
            painter.DrawAll();
        }
        finally
        {
            canvas.RestoreToCount(saved);
        }
    }

    private static void CheckSize(int size)
    {
        if (size is < MinSize or > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"SynthFaces renders {MinSize} to {MaxSize} pixels square.");
        }
    }

    /// <summary>One face being drawn: the geometry derived from the attributes and the shared paint.</summary>
    private sealed class Painter : IDisposable
    {
        private readonly SKCanvas canvas;
        private readonly SynthFace f;
        private readonly AttributeSet a;
        private readonly SKPaint paint = new() { IsAntialias = true };
        private readonly bool male;
        private readonly bool young;

        // Geometry in the 256-unit canvas, before the head transform.
        private readonly float halfWidth;   // widest, at the cheeks
        private readonly float jaw;         // half width at the jaw corner
        private readonly float jawY;
        private readonly float chinY;
        private readonly float chinHalf;
        private readonly float top;
        private readonly float neck;
        private readonly float eyeY;
        private readonly float eyeDx;
        private readonly float browY;
        private readonly float noseY;
        private readonly float noseHalf;
        private readonly float mouthY;
        private readonly float mouthHalf;
        private readonly float hairlineY;

        private readonly SKColor skin;
        private readonly SKColor skinShade;
        private readonly SKColor hair;
        private readonly SKColor hairDark;
        private readonly SKPath facePath;

        public Painter(SKCanvas canvas, SynthFace face)
        {
            this.canvas = canvas;
            f = face;
            a = face.Attributes;
            male = a.Contains(A.Male);
            young = a.Contains(A.Young);
            bool chubby = a.Contains(A.Chubby), oval = a.Contains(A.OvalFace);

            halfWidth = (male ? 50f : 46f) + (2f * face.FaceWidthJitter) + (chubby ? 9f : 0f) - (oval ? 5f : 0f);
            jaw = (male ? 38f : 29f) + (chubby ? 12f : 0f) - (oval ? 7f : 0f);
            top = Cy - 62f;
            jawY = Cy + 38f;
            chinY = Cy + 64f + (oval ? 5f : 0f) - (chubby ? 2f : 0f);
            chinHalf = (male ? 15f : 9f) + (chubby ? 6f : 0f) - (oval ? 3f : 0f);
            neck = (male ? 22f : 17f) + (chubby ? 6f : 0f);
            float lift = 2f * face.FeatureHeightJitter;
            eyeY = Cy - 2f + lift;
            eyeDx = 19f + (1.5f * face.EyeSpacingJitter);
            browY = eyeY - 14f;
            noseY = Cy + 26f + (a.Contains(A.BigNose) ? 3f : 0f);
            mouthY = Cy + 46f + (lift * 0.5f);
            mouthHalf = (male ? 16f : 15f) + (1.5f * face.MouthWidthJitter) + (a.Contains(A.Smiling) ? 3f : 0f);
            noseHalf = a.Contains(A.BigNose) ? 14f : male ? 10f : 8.5f;
            hairlineY = Cy - 40f;

            skin = SkinColor(face);
            skinShade = Mix(skin, new SKColor(0x50, 0x28, 0x18), 0.22f);
            hair = HairColor(face);
            hairDark = Mix(hair, SKColors.Black, 0.35f);
            facePath = BuildFacePath();
        }

        public void DrawAll()
        {
            DrawBackground();
            canvas.Save();
            canvas.Translate(128f + (f.OffsetX * 256f), 128f + (f.OffsetY * 256f));
            canvas.RotateDegrees(f.Rotation);
            canvas.Scale(f.Scale);
            canvas.Translate(-128f, -128f);

            DrawBackHair();
            DrawTorso();
            DrawEars();
            DrawDoubleChinUnder();
            Fill(facePath, skin);
            canvas.Save();
            canvas.ClipPath(facePath, antialias: true);
            DrawLighting();
            DrawCheeks();
            DrawAge();
            DrawStubble();
            DrawGoatee();
            canvas.Restore();
            DrawDoubleChinCrease();
            DrawEyes();
            DrawBrows();
            DrawNose();
            DrawMouth();
            DrawMustache();
            DrawSideburns();
            DrawFrontHair();
            DrawHat();
            DrawGlasses();
            DrawEarrings();
            canvas.Restore();
        }

        public void Dispose()
        {
            paint.Dispose();
            facePath.Dispose();
        }

        // ---- colours -------------------------------------------------------------------------------------------

        private static SKColor SkinColor(SynthFace face)
        {
            if (face.Attributes.Contains(A.PaleSkin))
            {
                return Mix(new SKColor(0xfa, 0xec, 0xe6), new SKColor(0xf0, 0xdc, 0xd4), face.SkinTone);
            }

            // Light peach -> tan -> brown -> deep brown, never as light as Pale_Skin.
            var light = new SKColor(0xee, 0xc0, 0x9a);
            var mid = new SKColor(0xc4, 0x86, 0x5a);
            var dark = new SKColor(0x62, 0x3c, 0x26);
            float t = Math.Clamp(face.SkinTone, 0f, 1f);
            var c = t < 0.5f ? Mix(light, mid, t * 2f) : Mix(mid, dark, (t - 0.5f) * 2f);
            var tint = face.SkinWarmth > 0 ? new SKColor(0xd0, 0x60, 0x50) : new SKColor(0xa0, 0xa0, 0x60);
            return Mix(c, tint, Math.Abs(face.SkinWarmth) * 0.12f);
        }

        private static SKColor HairColor(SynthFace face)
        {
            var a = face.Attributes;
            float s = Math.Clamp(face.HairShade, 0f, 1f);
            if (a.Contains(A.GrayHair))
            {
                return Mix(new SKColor(0x9a, 0x9a, 0x9c), new SKColor(0xe4, 0xe4, 0xe6), s);
            }

            if (a.Contains(A.BlondHair))
            {
                return Mix(new SKColor(0xd0, 0xa8, 0x58), new SKColor(0xf4, 0xdc, 0x8c), s);
            }

            if (a.Contains(A.BlackHair))
            {
                return Mix(new SKColor(0x10, 0x0e, 0x0e), new SKColor(0x2a, 0x24, 0x22), s);
            }

            if (a.Contains(A.BrownHair))
            {
                return Mix(new SKColor(0x4e, 0x30, 0x1c), new SKColor(0x86, 0x58, 0x32), s);
            }

            // No colour attribute: auburn to copper red.
            return Mix(new SKColor(0x8a, 0x30, 0x18), new SKColor(0xc0, 0x58, 0x28), s);
        }

        private static SKColor Mix(SKColor x, SKColor y, float t)
        {
            t = Math.Clamp(t, 0f, 1f);
            return new SKColor(
                (byte)MathF.Round(x.Red + ((y.Red - x.Red) * t)),
                (byte)MathF.Round(x.Green + ((y.Green - x.Green) * t)),
                (byte)MathF.Round(x.Blue + ((y.Blue - x.Blue) * t)),
                (byte)MathF.Round(x.Alpha + ((y.Alpha - x.Alpha) * t)));
        }

        private static SKColor Alpha(SKColor c, float alpha) => c.WithAlpha((byte)Math.Clamp(MathF.Round(alpha * 255f), 0f, 255f));

        // ---- paint helpers ------------------------------------------------------------------------------------

        private void Fill(SKPath path, SKColor color)
        {
            paint.Shader = null;
            paint.Style = SKPaintStyle.Fill;
            paint.Color = color;
            canvas.DrawPath(path, paint);
        }

        private void FillOval(float x, float y, float rx, float ry, SKColor color)
        {
            paint.Shader = null;
            paint.Style = SKPaintStyle.Fill;
            paint.Color = color;
            canvas.DrawOval(x, y, rx, ry, paint);
        }

        private void Stroke(SKPath path, SKColor color, float width)
        {
            paint.Shader = null;
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = width;
            paint.StrokeCap = SKStrokeCap.Round;
            paint.StrokeJoin = SKStrokeJoin.Round;
            paint.Color = color;
            canvas.DrawPath(path, paint);
        }

        private void Line(float x0, float y0, float x1, float y1, SKColor color, float width)
        {
            paint.Shader = null;
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = width;
            paint.StrokeCap = SKStrokeCap.Round;
            paint.Color = color;
            canvas.DrawLine(x0, y0, x1, y1, paint);
        }

        private void Curve(float x0, float y0, float cx, float cy, float x1, float y1, SKColor color, float width)
        {
            using var p = new SKPath();
            p.MoveTo(x0, y0);
            p.QuadTo(cx, cy, x1, y1);
            Stroke(p, color, width);
        }

        // ---- parts, back to front -------------------------------------------------------------------------------

        private void DrawBackground()
        {
            float rad = f.BackgroundAngle * MathF.PI / 180f;
            var d = new SKPoint(MathF.Cos(rad) * 128f, MathF.Sin(rad) * 128f);
            using var shader = SKShader.CreateLinearGradient(new SKPoint(128 - d.X, 128 - d.Y), new SKPoint(128 + d.X, 128 + d.Y), [f.BackgroundFrom, f.BackgroundTo], SKShaderTileMode.Clamp);
            paint.Style = SKPaintStyle.Fill;
            paint.Color = SKColors.Black;
            paint.Shader = shader;
            canvas.DrawRect(-8, -8, 272, 272, paint);
            paint.Shader = null;
        }

        private bool HasTopHair => !a.Contains(A.Bald);

        private void DrawBackHair()
        {
            if (!HasTopHair)
            {
                return;
            }

            bool wavy = a.Contains(A.WavyHair), straight = a.Contains(A.StraightHair);
            float length = wavy || straight ? f.HairLength : Math.Min(f.HairLength, 0.3f);
            if (length <= 0.02f)
            {
                return;
            }

            // Hair behind the head and down the sides: from the ears (length 0) to the shoulders (length 1).
            float bottom = Cy + 10f + (length * 118f);
            float spread = halfWidth + 10f + (f.HairVolume * 10f) + (length * 8f);
            using var path = new SKPath();
            path.MoveTo(Cx - spread, bottom);
            Side(path, -1, spread, bottom, wavy);
            path.ArcTo(new SKRect(Cx - spread, top - 10f - (f.HairVolume * 6f), Cx + spread, Cy + 40f), 180f, 180f, false);
            Side(path, 1, spread, bottom, wavy);
            path.Close();
            Fill(path, hair);
            if (straight || wavy)
            {
                for (int k = -2; k <= 2; k++)
                {
                    float x = Cx + (k * spread * 0.42f) + (k == 0 ? spread * 0.95f : 0f);
                    if (k == 0)
                    {
                        continue;
                    }

                    using var strand = new SKPath();
                    strand.MoveTo(x, Cy - 10f);
                    for (float y = Cy - 10f; y < bottom - 4f; y += 6f)
                    {
                        strand.LineTo(x + (wavy ? 4f * MathF.Sin(y / 7f) : 0f), y);
                    }

                    Stroke(strand, Alpha(hairDark, 0.55f), 2f);
                }
            }
        }

        /// <summary>One side of the long hair, from the bottom up (-1 left) or from the top down (+1 right).</summary>
        private static void Side(SKPath path, int side, float spread, float bottom, bool wavy)
        {
            const int steps = 14;
            for (int i = 0; i <= steps; i++)
            {
                float t = side < 0 ? 1f - ((float)i / steps) : (float)i / steps;
                float y = Cy + 40f + ((bottom - (Cy + 40f)) * t);
                float w = spread * (1f - (0.12f * t));
                if (wavy)
                {
                    w += 6f * MathF.Sin(t * 9f);
                }

                path.LineTo(Cx + (side * w), y);
            }
        }

        private void DrawTorso()
        {
            float shoulderY = Cy + 92f;
            using var body = new SKPath();
            body.MoveTo(Cx - neck - 4f, shoulderY - 10f);
            body.CubicTo(Cx - neck - 20f, shoulderY + 4f, Cx - 92f, shoulderY + 6f, Cx - 104f, shoulderY + 40f);
            body.LineTo(Cx - 120f, 300f);
            body.LineTo(Cx + 120f, 300f);
            body.LineTo(Cx + 104f, shoulderY + 40f);
            body.CubicTo(Cx + 92f, shoulderY + 6f, Cx + neck + 20f, shoulderY + 4f, Cx + neck + 4f, shoulderY - 10f);
            body.Close();

            // Neck.
            using (var neckPath = new SKPath())
            {
                neckPath.AddRect(new SKRect(Cx - neck, Cy + 20f, Cx + neck, shoulderY + 10f));
                Fill(neckPath, skinShade);
            }

            Fill(body, f.ClothesColor);
            var darker = Mix(f.ClothesColor, SKColors.Black, 0.35f);
            bool tie = a.Contains(A.WearingNecktie);
            if (tie || f.ClothesStyle == 2)
            {
                // Collared shirt: a light shirt front in a V, collar points, the jacket on either side.
                using var front = new SKPath();
                front.MoveTo(Cx - neck - 6f, shoulderY - 8f);
                front.LineTo(Cx + neck + 6f, shoulderY - 8f);
                front.LineTo(Cx, shoulderY + 58f);
                front.Close();
                Fill(front, new SKColor(0xf2, 0xf2, 0xee));
                using var collar = new SKPath();
                collar.MoveTo(Cx - neck - 2f, shoulderY - 10f);
                collar.LineTo(Cx - 4f, shoulderY + 8f);
                collar.LineTo(Cx - neck + 2f, shoulderY + 14f);
                collar.Close();
                collar.MoveTo(Cx + neck + 2f, shoulderY - 10f);
                collar.LineTo(Cx + 4f, shoulderY + 8f);
                collar.LineTo(Cx + neck - 2f, shoulderY + 14f);
                collar.Close();
                Fill(collar, new SKColor(0xe0, 0xe0, 0xda));
                Stroke(collar, new SKColor(0xa8, 0xa8, 0xa0), 1.2f);
                if (tie)
                {
                    using var knot = new SKPath();
                    knot.MoveTo(Cx - 7f, shoulderY + 2f);
                    knot.LineTo(Cx + 7f, shoulderY + 2f);
                    knot.LineTo(Cx + 4.5f, shoulderY + 13f);
                    knot.LineTo(Cx - 4.5f, shoulderY + 13f);
                    knot.Close();
                    using var blade = new SKPath();
                    blade.MoveTo(Cx - 4.5f, shoulderY + 12f);
                    blade.LineTo(Cx + 4.5f, shoulderY + 12f);
                    blade.LineTo(Cx + 11f, shoulderY + 60f);
                    blade.LineTo(Cx, shoulderY + 72f);
                    blade.LineTo(Cx - 11f, shoulderY + 60f);
                    blade.Close();
                    Fill(blade, f.AccentColor);
                    Fill(knot, Mix(f.AccentColor, SKColors.Black, 0.25f));
                    Stroke(blade, Mix(f.AccentColor, SKColors.Black, 0.45f), 1.2f);
                }
            }
            else if (f.ClothesStyle == 1)
            {
                // Scoop neck: skin down to the neckline.
                using var scoop = new SKPath();
                scoop.MoveTo(Cx - neck - 14f, shoulderY - 6f);
                scoop.QuadTo(Cx, shoulderY + 46f, Cx + neck + 14f, shoulderY - 6f);
                scoop.Close();
                Fill(scoop, skinShade);
            }
            else
            {
                Curve(Cx - neck - 2f, shoulderY - 6f, Cx, shoulderY + 12f, Cx + neck + 2f, shoulderY - 6f, darker, 3f);
            }

            if (a.Contains(A.WearingNecklace))
            {
                float depth = f.ClothesStyle == 1 && !tie ? 26f : 14f;
                using var chain = new SKPath();
                chain.MoveTo(Cx - neck - 1f, shoulderY - 8f);
                chain.QuadTo(Cx, shoulderY + (2f * depth) - 8f, Cx + neck + 1f, shoulderY - 8f);
                if (f.NecklaceStyle == 1)
                {
                    using var measure = new SKPathMeasure(chain);
                    float len = measure.Length;
                    for (float s = 0; s <= len; s += 5.5f)
                    {
                        measure.GetPosition(s, out var p);
                        FillOval(p.X, p.Y, 2.8f, 2.8f, f.JewelryColor);
                    }
                }
                else
                {
                    Stroke(chain, f.JewelryColor, 2.4f);
                    float py = shoulderY + depth - 4f;
                    FillOval(Cx, py + 4f, 4.5f, 5.5f, f.JewelryColor);
                    FillOval(Cx, py + 4f, 2f, 2.5f, Mix(f.JewelryColor, SKColors.White, 0.5f));
                }
            }
        }

        private void DrawEars()
        {
            float y = Cy + 4f;
            foreach (int s in new[] { -1, 1 })
            {
                float x = Cx + (s * (halfWidth - 1f));
                FillOval(x, y, 7.5f, 13f, skin);
                Curve(x + (s * 1f), y - 7f, x + (s * 5f), y, x + (s * 1f), y + 6f, Alpha(skinShade, 0.9f), 1.8f);
            }
        }

        private void DrawDoubleChinUnder()
        {
            if (a.Contains(A.DoubleChin))
            {
                FillOval(Cx, chinY + 3f, chinHalf + 14f, 11f, Mix(skin, skinShade, 0.25f));
            }
        }

        private void DrawDoubleChinCrease()
        {
            if (a.Contains(A.DoubleChin))
            {
                Curve(Cx - chinHalf - 9f, chinY + 5f, Cx, chinY + 16f, Cx + chinHalf + 9f, chinY + 5f, Alpha(Ink, 0.35f), 2f);
            }
        }

        private SKPath BuildFacePath()
        {
            float w = halfWidth, j = jaw, c = chinHalf;
            var p = new SKPath();
            p.MoveTo(Cx, top);
            p.CubicTo(Cx + (w * 0.58f), top, Cx + w, Cy - 40f, Cx + w, Cy + 2f);
            p.CubicTo(Cx + w, Cy + 22f, Cx + j + 6f, jawY - 8f, Cx + j, jawY);
            p.CubicTo(Cx + j - 6f, jawY + 14f, Cx + c + 6f, chinY, Cx, chinY);
            p.CubicTo(Cx - c - 6f, chinY, Cx - j + 6f, jawY + 14f, Cx - j, jawY);
            p.CubicTo(Cx - j - 6f, jawY - 8f, Cx - w, Cy + 22f, Cx - w, Cy + 2f);
            p.CubicTo(Cx - w, Cy - 40f, Cx - (w * 0.58f), top, Cx, top);
            p.Close();
            return p;
        }

        private void DrawLighting()
        {
            float rad = f.LightAngle * MathF.PI / 180f;
            var d = new SKPoint(MathF.Cos(rad) * 70f, -MathF.Sin(rad) * 70f);
            float k = Math.Clamp(f.LightStrength, 0f, 1f);
            using var shader = SKShader.CreateLinearGradient(
                new SKPoint(Cx + d.X, Cy + d.Y), new SKPoint(Cx - d.X, Cy - d.Y),
                [Alpha(SKColors.White, 0.18f * k), Alpha(SKColors.White, 0f), Alpha(new SKColor(0x30, 0x10, 0x00), 0.3f * k)],
                [0f, 0.45f, 1f], SKShaderTileMode.Clamp);
            paint.Style = SKPaintStyle.Fill;
            paint.Color = SKColors.Black;
            paint.Shader = shader;
            canvas.DrawRect(0, 0, 256, 256, paint);
            paint.Shader = null;
        }

        private void DrawCheeks()
        {
            if (a.Contains(A.HighCheekbones))
            {
                foreach (int s in new[] { -1, 1 })
                {
                    // Highlight on the cheekbone, hollow beneath it.
                    FillOval(Cx + (s * 27f), eyeY + 13f, 12f, 4.5f, Alpha(SKColors.White, 0.16f));
                    Curve(Cx + (s * (halfWidth - 3f)), eyeY + 14f, Cx + (s * 32f), eyeY + 28f, Cx + (s * 22f), eyeY + 36f, Alpha(skinShade, 0.5f), 4f);
                }
            }

            if (a.Contains(A.RosyCheeks))
            {
                foreach (int s in new[] { -1, 1 })
                {
                    var centre = new SKPoint(Cx + (s * 27f), eyeY + 24f);
                    using var shader = SKShader.CreateRadialGradient(centre, 16f, [new SKColor(0xf0, 0x40, 0x58, 0xa8), new SKColor(0xf0, 0x40, 0x58, 0x00)], SKShaderTileMode.Clamp);
                    paint.Style = SKPaintStyle.Fill;
                    paint.Color = SKColors.Black;
                    paint.Shader = shader;
                    canvas.DrawCircle(centre, 16f, paint);
                    paint.Shader = null;
                }
            }
        }

        private void DrawAge()
        {
            if (young)
            {
                return;
            }

            var line = Alpha(Mix(skinShade, Ink, 0.4f), 0.75f);
            // Forehead lines, crow's feet, nasolabial folds, marionette lines.
            for (int i = 0; i < 3; i++)
            {
                float y = hairlineY + 8f + (i * 5.5f);
                Curve(Cx - 22f + (i * 2f), y + 1f, Cx, y - 3f, Cx + 22f - (i * 2f), y + 1f, line, 1.7f);
            }

            foreach (int s in new[] { -1, 1 })
            {
                float ex = Cx + (s * (eyeDx + 12f));
                Line(ex, eyeY - 1f, ex + (s * 7f), eyeY - 5f, line, 1.5f);
                Line(ex, eyeY + 1f, ex + (s * 8f), eyeY + 1f, line, 1.5f);
                Line(ex, eyeY + 3f, ex + (s * 7f), eyeY + 7f, line, 1.5f);
                Curve(Cx + (s * (noseHalf + 3f)), noseY - 2f, Cx + (s * (mouthHalf + 9f)), mouthY - 8f, Cx + (s * (mouthHalf + 5f)), mouthY + 8f, line, 2.2f);
                Curve(Cx + (s * (mouthHalf + 1f)), mouthY + 6f, Cx + (s * (mouthHalf + 3f)), mouthY + 13f, Cx + (s * (mouthHalf + 1f)), mouthY + 20f, line, 1.6f);
            }
        }

        private SKColor BeardColor => Mix(hair, SKColors.Black, a.Contains(A.GrayHair) || a.Contains(A.BlondHair) ? 0.1f : 0.05f);

        private void DrawStubble()
        {
            if (!a.Contains(A.FiveOClockShadow))
            {
                return;
            }

            // Cheeks, jaw, chin and upper lip: everything below a line from the ears under the nose.
            using var region = new SKPath();
            region.MoveTo(Cx - halfWidth - 4f, Cy + 6f);
            region.CubicTo(Cx - 30f, eyeY + 26f, Cx - 14f, noseY + 4f, Cx, noseY + 6f);
            region.CubicTo(Cx + 14f, noseY + 4f, Cx + 30f, eyeY + 26f, Cx + halfWidth + 4f, Cy + 6f);
            region.LineTo(Cx + halfWidth + 4f, chinY + 10f);
            region.LineTo(Cx - halfWidth - 4f, chinY + 10f);
            region.Close();
            var tone = Mix(BeardColor, new SKColor(0x30, 0x38, 0x48), 0.3f);
            Fill(region, Alpha(tone, 0.42f));
        }

        private void DrawGoatee()
        {
            if (!a.Contains(A.Goatee))
            {
                return;
            }

            using var g = new SKPath();
            float w = mouthHalf * 0.75f;
            g.MoveTo(Cx - w, mouthY + 5f);
            g.QuadTo(Cx, mouthY + 9f, Cx + w, mouthY + 5f);
            g.CubicTo(Cx + w + 6f, chinY - 10f, Cx + chinHalf + 4f, chinY + 2f, Cx, chinY + 4f);
            g.CubicTo(Cx - chinHalf - 4f, chinY + 2f, Cx - w - 6f, chinY - 10f, Cx - w, mouthY + 5f);
            g.Close();
            Fill(g, Alpha(BeardColor, 0.95f));
            if (a.Contains(A.Mustache))
            {
                // Connect the goatee to the mustache around the mouth corners.
                foreach (int s in new[] { -1, 1 })
                {
                    Line(Cx + (s * (mouthHalf + 2f)), mouthY - 3f, Cx + (s * (w + 1f)), mouthY + 10f, Alpha(BeardColor, 0.95f), 5f);
                }
            }
        }

        private void DrawEyes()
        {
            bool narrow = a.Contains(A.NarrowEyes), makeup = a.Contains(A.HeavyMakeup);
            float ry = narrow ? 2.4f : 5.2f, rx = 9.5f;
            foreach (int s in new[] { -1, 1 })
            {
                float x = Cx + (s * eyeDx);
                if (a.Contains(A.BagsUnderEyes))
                {
                    using var bag = new SKPath();
                    bag.MoveTo(x - 10f, eyeY + ry + 1f);
                    bag.QuadTo(x, eyeY + ry + 11f, x + 10f, eyeY + ry + 1f);
                    bag.QuadTo(x, eyeY + ry + 5f, x - 10f, eyeY + ry + 1f);
                    Fill(bag, Alpha(new SKColor(0x60, 0x38, 0x48), 0.45f));
                    Curve(x - 9f, eyeY + ry + 3f, x, eyeY + ry + 11f, x + 9f, eyeY + ry + 3f, Alpha(Ink, 0.45f), 1.5f);
                }

                if (makeup)
                {
                    FillOval(x + (s * 1.5f), eyeY - ry - 1f, 12.5f, 7f, Alpha(f.MakeupColor, 0.8f));
                }

                FillOval(x, eyeY, rx, ry, new SKColor(0xf6, 0xf4, 0xf0));
                float ir = Math.Min(4.4f, ry + 0.6f);
                FillOval(x, eyeY, 4.4f, ir, f.EyeColor);
                FillOval(x, eyeY, 2f, Math.Min(2f, ir), new SKColor(0x10, 0x08, 0x08));
                FillOval(x + 1.4f, eyeY - Math.Min(1.4f, ry * 0.4f), 1f, Math.Min(1f, ry * 0.3f), Alpha(SKColors.White, 0.9f));

                // Upper lid (eyeliner, thicker with makeup, a wing), lower lid.
                using var lid = new SKPath();
                lid.MoveTo(x - rx - 0.5f, eyeY + 0.5f);
                lid.QuadTo(x, eyeY - (ry * 2f) - 0.5f, x + rx + 0.5f, eyeY + 0.5f);
                if (makeup)
                {
                    lid.MoveTo(x + (s * (rx - 1f)), eyeY - 0.5f);
                    lid.LineTo(x + (s * (rx + 5f)), eyeY - 4f);
                }

                Stroke(lid, Ink, makeup ? 2.8f : male ? 1.5f : 2f);
                Curve(x - rx + 1f, eyeY + 0.8f, x, eyeY + (ry * 1.7f), x + rx - 1f, eyeY + 0.8f, Alpha(Ink, 0.35f), 1f);
            }
        }

        private void DrawBrows()
        {
            bool bushy = a.Contains(A.BushyEyebrows), arched = a.Contains(A.ArchedEyebrows);
            var colour = a.Contains(A.GrayHair) ? Mix(hair, Ink, 0.35f)
                : a.Contains(A.BlondHair) ? Mix(hair, Ink, 0.45f)
                : Mix(hairDark, Ink, 0.2f);
            float width = bushy ? 6.5f : male ? 3.4f : 2.6f;
            foreach (int s in new[] { -1, 1 })
            {
                float inner = Cx + (s * (eyeDx - 10f)), outer = Cx + (s * (eyeDx + 11f));
                using var p = new SKPath();
                p.MoveTo(inner, browY + 2f);
                if (arched)
                {
                    p.CubicTo(Cx + (s * (eyeDx - 4f)), browY - 3f, Cx + (s * (eyeDx + 3f)), browY - 9f, outer, browY + 3f);
                }
                else
                {
                    p.CubicTo(Cx + (s * (eyeDx - 4f)), browY - 1f, Cx + (s * (eyeDx + 5f)), browY - 1.5f, outer, browY + 1f);
                }

                Stroke(p, colour, width);
                if (bushy)
                {
                    Stroke(p, Alpha(colour, 0.5f), width + 2.5f);
                }
            }
        }

        private void DrawNose()
        {
            bool pointy = a.Contains(A.PointyNose), big = a.Contains(A.BigNose);
            float w = noseHalf, y = noseY;
            var line = Alpha(Mix(skinShade, Ink, 0.45f), 0.9f);

            // Shade of the nose body on the side away from the light, so its width and length show.
            using (var body = new SKPath())
            {
                body.MoveTo(Cx - 2.5f, eyeY + 3f);
                body.LineTo(Cx - w + 1f, y - 2f);
                body.QuadTo(Cx, y + (pointy ? 9f : 5f), Cx + w - 1f, y - 2f);
                body.LineTo(Cx + 2.5f, eyeY + 3f);
                body.Close();
                Fill(body, Alpha(skinShade, big ? 0.75f : 0.5f));
            }

            using var bottom = new SKPath();
            bottom.MoveTo(Cx - w, y - 6f);
            bottom.QuadTo(Cx - w - 3f, y + 3f, Cx - (w * 0.45f), y + 3f);
            if (pointy)
            {
                bottom.LineTo(Cx, y + 9f);
                bottom.LineTo(Cx + (w * 0.45f), y + 3f);
            }
            else
            {
                bottom.QuadTo(Cx, y + 7f, Cx + (w * 0.45f), y + 3f);
            }

            bottom.QuadTo(Cx + w + 3f, y + 3f, Cx + w, y - 6f);
            Stroke(bottom, line, big ? 2.4f : 1.9f);
            float nr = big ? 3.4f : 2.3f;
            FillOval(Cx - (w * 0.42f), y + 1.5f, nr, nr * 0.6f, Alpha(Ink, 0.8f));
            FillOval(Cx + (w * 0.42f), y + 1.5f, nr, nr * 0.6f, Alpha(Ink, 0.8f));
            if (pointy)
            {
                FillOval(Cx, y + 2f, 1.6f, 3.2f, Alpha(SKColors.White, 0.35f));
            }
        }

        private void DrawMouth()
        {
            bool smiling = a.Contains(A.Smiling), open = a.Contains(A.MouthSlightlyOpen), big = a.Contains(A.BigLips);
            float w = mouthHalf, y = mouthY;
            float lift = smiling ? 6f : 0f;
            float dip = smiling ? 5f : 1f;            // how far the middle of the mouth line sits below the corners
            float gap = open ? (smiling ? 7f : 5f) : 0f;
            float upper = big ? 6f : male ? 3f : 4f;
            float lower = big ? 8.5f : male ? 4.5f : 5.5f;
            var lips = a.Contains(A.WearingLipstick) ? f.LipstickColor : Mix(skin, new SKColor(0xa8, 0x48, 0x48), male ? 0.35f : 0.5f);
            float cornerY = y - lift;

            // Inner edges of the lips (top edge of the opening and bottom edge).
            float topInner = y + dip - (gap * 0.5f), bottomInner = y + dip + (gap * 0.5f) + (smiling && open ? 3f : 0f);
            if (open)
            {
                using var hole = new SKPath();
                hole.MoveTo(Cx - w, cornerY);
                hole.QuadTo(Cx, (2f * topInner) - cornerY, Cx + w, cornerY);
                hole.QuadTo(Cx, (2f * bottomInner) - cornerY, Cx - w, cornerY);
                hole.Close();
                Fill(hole, new SKColor(0x40, 0x10, 0x14));
                if (smiling)
                {
                    canvas.Save();
                    canvas.ClipPath(hole, antialias: true);
                    FillOval(Cx, topInner, w * 0.8f, gap * 0.55f, new SKColor(0xf4, 0xf2, 0xea));
                    canvas.Restore();
                }
            }

            using var top = new SKPath();
            top.MoveTo(Cx - w, cornerY);
            top.QuadTo(Cx - (w * 0.5f), y - upper - 2f - (lift * 0.4f), Cx, y - upper + 0.5f);
            top.QuadTo(Cx + (w * 0.5f), y - upper - 2f - (lift * 0.4f), Cx + w, cornerY);
            top.QuadTo(Cx, (2f * topInner) - cornerY, Cx - w, cornerY);
            top.Close();
            Fill(top, lips);

            using var bottom = new SKPath();
            bottom.MoveTo(Cx - w, cornerY);
            bottom.QuadTo(Cx, (2f * bottomInner) - cornerY, Cx + w, cornerY);
            bottom.QuadTo(Cx, (2f * (bottomInner + lower)) - cornerY, Cx - w, cornerY);
            bottom.Close();
            Fill(bottom, Mix(lips, SKColors.White, 0.08f));

            // The line between the lips (closed mouth) and the corners.
            if (!open)
            {
                using var seam = new SKPath();
                seam.MoveTo(Cx - w, cornerY);
                seam.QuadTo(Cx, (2f * topInner) - cornerY, Cx + w, cornerY);
                Stroke(seam, Alpha(Mix(lips, Ink, 0.6f), 0.9f), 1.4f);
            }

            if (smiling)
            {
                foreach (int s in new[] { -1, 1 })
                {
                    Curve(Cx + (s * (w + 3f)), cornerY - 8f, Cx + (s * (w + 6f)), cornerY - 1f, Cx + (s * (w + 2f)), cornerY + 4f, Alpha(skinShade, 0.95f), 2f);
                }
            }
        }

        private void DrawMustache()
        {
            if (!a.Contains(A.Mustache))
            {
                return;
            }

            float w = mouthHalf + 3f, y = mouthY - (a.Contains(A.BigLips) ? 6f : 4f);
            float lift = a.Contains(A.Smiling) ? 5f : 0f;
            using var m = new SKPath();
            m.MoveTo(Cx - w, y + 4f - lift);
            m.QuadTo(Cx - (w * 0.6f), y - 9f, Cx, y - 8f);
            m.QuadTo(Cx + (w * 0.6f), y - 9f, Cx + w, y + 4f - lift);
            m.QuadTo(Cx + (w * 0.5f), y - 1f, Cx, y);
            m.QuadTo(Cx - (w * 0.5f), y - 1f, Cx - w, y + 4f - lift);
            m.Close();
            Fill(m, BeardColor);
        }

        private void DrawSideburns()
        {
            if (!a.Contains(A.Sideburns))
            {
                return;
            }

            foreach (int s in new[] { -1, 1 })
            {
                using var p = new SKPath();
                float outer = Cx + (s * (halfWidth + 0.5f)), inner = Cx + (s * (halfWidth - 10f));
                p.MoveTo(outer, Cy - 22f);
                p.LineTo(inner, Cy - 22f);
                p.LineTo(inner + (s * 1.5f), Cy + 22f);
                p.LineTo(outer - (s * 1.5f), Cy + 26f);
                p.Close();
                Fill(p, BeardColor);
            }
        }

        private void DrawFrontHair()
        {
            if (!HasTopHair)
            {
                // Bald: a fringe of hair low at the back and sides, a shine on the scalp.
                foreach (int s in new[] { -1, 1 })
                {
                    using var side = new SKPath();
                    side.MoveTo(Cx + (s * (halfWidth + 2f)), Cy - 16f);
                    side.QuadTo(Cx + (s * (halfWidth - 1f)), Cy - 4f, Cx + (s * (halfWidth - 3f)), Cy + 2f);
                    side.LineTo(Cx + (s * (halfWidth + 4f)), Cy + 2f);
                    side.Close();
                    Fill(side, hair);
                }

                FillOval(Cx - 12f, top + 14f, 16f, 7f, Alpha(SKColors.White, 0.35f));
                return;
            }

            bool wavy = a.Contains(A.WavyHair), straight = a.Contains(A.StraightHair), receding = a.Contains(A.RecedingHairline);
            float volume = wavy ? 9f + (f.HairVolume * 5f) : straight ? 5f + (f.HairVolume * 4f) : 2.5f;
            float outerW = halfWidth + volume * 0.6f + 1.5f;
            float outerTop = top - volume;

            using var cap = new SKPath();
            // Outer contour over the head, from the right temple to the left one (wavy: scalloped).
            const int steps = 28;
            for (int i = 0; i <= steps; i++)
            {
                float t = MathF.PI * i / steps; // 0 at the right, pi at the left
                float r = 1f + (wavy ? 0.045f * MathF.Sin(t * 11f) : 0f);
                float x = Cx + (MathF.Cos(t) * outerW * r);
                float y = (Cy - 4f) - (MathF.Sin(t) * ((Cy - 4f) - outerTop) * r);
                if (i == 0)
                {
                    cap.MoveTo(x, y + 6f);
                }

                cap.LineTo(x, y);
            }

            // Hairline back from the left temple to the right one.
            float sideY = Cy - 8f;
            cap.LineTo(Cx - halfWidth + 0.5f, sideY);
            if (receding)
            {
                cap.LineTo(Cx - halfWidth + 5f, Cy - 30f);
                cap.QuadTo(Cx - 30f, hairlineY - 24f, Cx - 20f, hairlineY - 20f);
                cap.QuadTo(Cx - 8f, hairlineY - 12f, Cx, hairlineY - 8f);
                cap.QuadTo(Cx + 8f, hairlineY - 12f, Cx + 20f, hairlineY - 20f);
                cap.QuadTo(Cx + 30f, hairlineY - 24f, Cx + halfWidth - 5f, Cy - 30f);
            }
            else
            {
                float part = f.HairPart * 10f;
                cap.LineTo(Cx - halfWidth + 4f, Cy - 28f);
                cap.CubicTo(Cx - halfWidth + 12f, hairlineY - 2f, Cx + part - 16f, hairlineY - 2f, Cx + part, hairlineY - 1f);
                cap.CubicTo(Cx + part + 16f, hairlineY - 2f, Cx + halfWidth - 12f, hairlineY - 2f, Cx + halfWidth - 4f, Cy - 28f);
            }

            cap.LineTo(Cx + halfWidth - 0.5f, sideY);
            cap.Close();
            Fill(cap, hair);

            // Texture: strands that are straight or wavy; a short crop gets a faint sheen instead.
            if (straight || wavy)
            {
                for (int k = -3; k <= 3; k++)
                {
                    using var strand = new SKPath();
                    float x0 = Cx + (f.HairPart * 8f), y0 = outerTop + 4f;
                    float x1 = Cx + (k * halfWidth * 0.3f), y1 = hairlineY - (receding ? 14f : 2f) - (Math.Abs(k) == 3 ? -12f : 0f);
                    strand.MoveTo(x0, y0);
                    if (wavy)
                    {
                        for (int i = 1; i <= 8; i++)
                        {
                            float t = i / 8f;
                            float x = x0 + ((x1 - x0) * t), y = y0 + ((y1 - y0) * t);
                            strand.LineTo(x + (3.5f * MathF.Sin(t * 12f)), y);
                        }
                    }
                    else
                    {
                        strand.QuadTo((x0 + x1) * 0.5f, y0 + 4f, x1, y1);
                    }

                    Stroke(strand, Alpha(hairDark, 0.6f), 1.8f);
                }
            }
            else
            {
                FillOval(Cx + 8f, top + 10f, 18f, 6f, Alpha(SKColors.White, 0.12f));
            }

            if (a.Contains(A.Bangs))
            {
                DrawBangs(wavy);
            }
        }

        private void DrawBangs(bool wavy)
        {
            float bottom = browY - 3.5f;
            using var fringe = new SKPath();
            fringe.MoveTo(Cx - halfWidth + 1f, Cy - 10f);
            fringe.LineTo(Cx - halfWidth + 3f, hairlineY - 12f);
            fringe.QuadTo(Cx, hairlineY - 22f, Cx + halfWidth - 3f, hairlineY - 12f);
            fringe.LineTo(Cx + halfWidth - 1f, Cy - 10f);
            // Lower edge: cut straight with small teeth, or scalloped for wavy hair; swept a little to one side.
            const int teeth = 9;
            float sweep = f.HairPart * 4f;
            for (int i = teeth; i >= 0; i--)
            {
                float x = Cx - halfWidth + 1f + ((2f * halfWidth - 2f) * i / teeth);
                float edge = bottom + (sweep * ((float)i / teeth - 0.5f));
                float y = i == teeth || i == 0 ? Cy - 10f : edge;
                if (wavy && i > 0 && i < teeth)
                {
                    fringe.QuadTo(x + 6f, y + 6f, x, y);
                }
                else
                {
                    fringe.LineTo(x, y - (i % 2 == 0 ? 0f : 5f));
                }
            }

            fringe.Close();
            Fill(fringe, hair);
            for (int k = -3; k <= 3; k++)
            {
                Line(Cx + (k * 11f), hairlineY - 14f, Cx + (k * 11f) + (sweep * 1.5f), bottom - 2f, Alpha(hairDark, 0.7f), 1.8f);
            }
        }

        private void DrawHat()
        {
            if (!a.Contains(A.WearingHat))
            {
                return;
            }

            var c = f.AccentColor;
            var shade = Mix(c, SKColors.Black, 0.3f);
            float w = halfWidth + 7f;
            float brimY = hairlineY + 2f;
            switch (f.HatStyle)
            {
                case 0:
                    {
                        // Cap: a dome and a brim towards the viewer.
                        using var dome = new SKPath();
                        dome.MoveTo(Cx - w, brimY);
                        dome.CubicTo(Cx - w, top - 30f, Cx + w, top - 30f, Cx + w, brimY);
                        dome.Close();
                        Fill(dome, c);
                        Line(Cx, top - 8f, Cx, brimY - 2f, shade, 1.5f);
                        FillOval(Cx, brimY + 2f, w + 4f, 8f, shade);
                        FillOval(Cx, top - 9f, 4f, 2.5f, shade);
                        break;
                    }

                case 1:
                    {
                        // Beanie: a rounded knit dome with a folded band.
                        using var dome = new SKPath();
                        dome.MoveTo(Cx - w + 1f, brimY);
                        dome.CubicTo(Cx - w - 2f, top - 36f, Cx + w + 2f, top - 36f, Cx + w - 1f, brimY);
                        dome.Close();
                        Fill(dome, c);
                        using var band = new SKPath();
                        band.AddRoundRect(new SKRect(Cx - w - 1f, brimY - 14f, Cx + w + 1f, brimY + 3f), 5f, 5f);
                        Fill(band, shade);
                        for (int k = -4; k <= 4; k++)
                        {
                            Line(Cx + (k * w * 0.22f), brimY - 12f, Cx + (k * w * 0.22f), brimY + 1f, Alpha(Mix(c, SKColors.Black, 0.5f), 0.6f), 1.4f);
                        }

                        break;
                    }

                default:
                    {
                        // Fedora: a wide brim, a pinched crown and a band.
                        FillOval(Cx, brimY - 4f, w + 26f, 9f, shade);
                        using var crown = new SKPath();
                        crown.MoveTo(Cx - w + 4f, brimY - 4f);
                        crown.LineTo(Cx - w + 10f, top - 18f);
                        crown.QuadTo(Cx, top - 10f, Cx + w - 10f, top - 18f);
                        crown.LineTo(Cx + w - 4f, brimY - 4f);
                        crown.Close();
                        Fill(crown, c);
                        using var band = new SKPath();
                        band.AddRect(new SKRect(Cx - w + 5f, brimY - 14f, Cx + w - 5f, brimY - 6f));
                        Fill(band, Mix(c, SKColors.Black, 0.6f));
                        break;
                    }
            }
        }

        private void DrawGlasses()
        {
            if (!a.Contains(A.Eyeglasses))
            {
                return;
            }

            float width = 2.6f;
            var frame = f.FrameColor;
            float y = eyeY + 1f;
            foreach (int s in new[] { -1, 1 })
            {
                float x = Cx + (s * eyeDx);
                var rect = f.GlassesStyle == 0 ? new SKRect(x - 12.5f, y - 8.5f, x + 12.5f, y + 8.5f) : new SKRect(x - 11f, y - 10.5f, x + 11f, y + 10.5f);
                using var lens = new SKPath();
                if (f.GlassesStyle == 0)
                {
                    lens.AddRoundRect(rect, 4f, 4f);
                }
                else
                {
                    lens.AddOval(rect);
                }

                Fill(lens, Alpha(new SKColor(0xd8, 0xe8, 0xf0), 0.22f));
                Stroke(lens, frame, width);
                Line(Cx + (s * (eyeDx + (rect.Width * 0.5f))), y - 3f, Cx + (s * (halfWidth + 1f)), y - 4f, frame, width);
            }

            float innerX = eyeDx - 12f;
            Curve(Cx - innerX, y - 2f, Cx, y - 6f, Cx + innerX, y - 2f, frame, width);
        }

        private void DrawEarrings()
        {
            if (!a.Contains(A.WearingEarrings))
            {
                return;
            }

            var c = f.JewelryColor;
            foreach (int s in new[] { -1, 1 })
            {
                float x = Cx + (s * (halfWidth - 1f)), y = Cy + 16f;
                switch (f.EarringStyle)
                {
                    case 0:
                        FillOval(x, y + 1f, 5f, 5f, c);
                        FillOval(x - 1.5f, y - 0.5f, 1.6f, 1.6f, Alpha(SKColors.White, 0.8f));
                        break;
                    case 1:
                        using (var hoop = new SKPath())
                        {
                            hoop.AddCircle(x, y + 8f, 8f);
                            Stroke(hoop, c, 3.2f);
                        }

                        break;
                    default:
                        Line(x, y, x, y + 9f, c, 2f);
                        FillOval(x, y + 13f, 4.5f, 6f, c);
                        break;
                }
            }
        }
    }
}
