using SkiaSharp;
using T2F.Core.Data;
using T2F.Core.Data.SynthFaces;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Data;

public class FaceImageDatasetTests
{
    [Fact]
    public void ReadsASynthFacesFolderLikeCelebA()
    {
        using var temp = new TempFolder();
        SynthFacesWriter.Write(temp.Path, new SynthFacesOptions { Count = 30, Size = 32, Seed = 5, CaptionsPerImage = 2 });
        var dataset = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 24 });
        Assert.Equal(30, dataset.Count);
        Assert.EndsWith("img_align_celeba", dataset.Layout.ImageFolder);
        Assert.Equal("000001.png", dataset[0].FileName);
        Assert.Equal(2, dataset[0].Captions.Count);
        Assert.Equal(SynthFaceSampler.Sample(5, 0).Attributes, dataset[0].Attributes);
        Assert.Equal(CelebAPartition.Validation, dataset[8].Partition);

        using var scope = NewDisposeScope();
        var image = dataset.LoadImage(3);
        Assert.Equal(new long[] { 3, 24, 24 }, image.shape);
        Assert.InRange(image.min().item<float>(), -1f, 1f);
        Assert.InRange(image.max().item<float>(), -1f, 1f);
        Assert.InRange(image.std().item<float>(), 0.1f, 2f);
        var flipped = dataset.LoadImage(3, flip: true);
        Assert.InRange(TestSupport.TensorAssert.MaxAbsDiff(image.flip(2), flipped), 0, 0.05);

        var test = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 24, Partition = CelebAPartition.Test });
        Assert.Equal(new[] { "000010.png", "000020.png", "000030.png" }, test.Records.Select(r => r.FileName));

        // Where filters before Limit: the first two men, not the men among the first two rows.
        var men = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 24, Limit = 2, Where = row => row.Attributes.Contains(CelebAAttribute.Male) });
        Assert.Equal(2, men.Count);
        Assert.All(men.Records, r => Assert.True(r.Attributes.Contains(CelebAAttribute.Male)));
        Assert.Equal(dataset.Records.Where(r => r.Attributes.Contains(CelebAAttribute.Male)).Take(2).Select(r => r.FileName), men.Records.Select(r => r.FileName));
    }

    [Fact]
    public void LoaderShufflesBySeedBatchesAndIsIndependentOfWorkers()
    {
        using var temp = new TempFolder();
        SynthFacesWriter.Write(temp.Path, new SynthFacesOptions { Count = 37, Size = 32, Seed = 1, CaptionsPerImage = 1 });
        var dataset = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 16 });
        var one = new FaceDataLoader(dataset, new FaceLoaderOptions { BatchSize = 8, Seed = 3, HorizontalFlip = true, Workers = 1, PrefetchBatches = 0 });
        var two = new FaceDataLoader(dataset, new FaceLoaderOptions { BatchSize = 8, Seed = 3, HorizontalFlip = true, Workers = 2, PrefetchBatches = 2 });
        Assert.Equal(5, one.BatchesPerEpoch);
        Assert.NotEqual(one.Order(0), one.Order(1));
        Assert.Equal(Enumerable.Range(0, 37), one.Order(0).Order());

        using var scope = NewDisposeScope();
        var a = one.Epoch(0).ToList();
        var b = two.Epoch(0).ToList();
        Assert.Equal(new[] { 8, 8, 8, 8, 5 }, a.Select(x => x.Count));
        Assert.Equal(one.Order(0), a.SelectMany(x => x.Indices));
        Assert.Contains(a.SelectMany(x => x.Flipped), f => f);
        Assert.Contains(a.SelectMany(x => x.Flipped), f => !f);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(new long[] { a[i].Count, 3, 16, 16 }, a[i].Images.shape);
            Assert.Equal(a[i].Indices, b[i].Indices);
            Assert.Equal(0.0, TestSupport.TensorAssert.MaxAbsDiff(a[i].Images, b[i].Images));
            var labels = a[i].AttributeLabels();
            Assert.Equal(new long[] { a[i].Count, 40 }, labels.shape);
            Assert.Equal(a[i].Records[0].Attributes.Count, (int)labels[0].sum().item<float>());
            a[i].Dispose();
            b[i].Dispose();
        }

        var dropLast = new FaceDataLoader(dataset, new FaceLoaderOptions { BatchSize = 8, DropLast = true, Shuffle = false });
        var batches = dropLast.Epoch(0).ToList();
        Assert.Equal(4, batches.Count);
        Assert.Equal(Enumerable.Range(0, 32), batches.SelectMany(x => x.Indices));
        batches.ForEach(x => x.Dispose());

        // Stopping early stops the background decoding.
        foreach (var batch in two.Epoch(1))
        {
            batch.Dispose();
            break;
        }
    }

    [Fact]
    public void CorruptJpegFailsWithItsPathOrIsSkippedAndCounted()
    {
        using var temp = new TempFolder();
        string images = Path.Combine(temp.Path, "img_align_celeba");
        Directory.CreateDirectory(images);
        var rows = new List<CelebAAttributeRow>();
        for (int i = 1; i <= 6; i++)
        {
            string name = $"{i:D6}.jpg";
            File.WriteAllBytes(Path.Combine(images, name), Jpeg(178, 218, i));
            rows.Add(new CelebAAttributeRow(name, AttributeSet.Of(CelebAAttribute.Smiling)));
        }

        CelebAAttributeFile.Write(Path.Combine(temp.Path, "list_attr_celeba.txt"), rows);
        string truncated = Path.Combine(images, "000003.jpg");
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        string garbage = Path.Combine(images, "000005.jpg");
        File.WriteAllText(garbage, "this is not a jpeg");

        var strict = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 32 });
        var e = Assert.Throws<FaceImageException>(() => strict.LoadImage(2));
        Assert.Equal(truncated, e.ImagePath);
        Assert.Contains("000003.jpg", e.Message);
        e = Assert.Throws<FaceImageException>(() => new FaceDataLoader(strict, new FaceLoaderOptions { BatchSize = 4, Shuffle = false }).Epoch(0).Select(b => { b.Dispose(); return 0; }).ToList());
        Assert.Contains("000003.jpg", e.Message);
        e = Assert.Throws<FaceImageException>(() => strict.LoadImage(4));
        Assert.Contains("000005.jpg", e.Message);

        var lenient = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 32, BadImages = BadImagePolicy.Skip });
        using var scope = NewDisposeScope();
        var batches = new FaceDataLoader(lenient, new FaceLoaderOptions { BatchSize = 4, Shuffle = false }).Epoch(0).ToList();
        Assert.Equal(new[] { 3, 1 }, batches.Select(b => b.Count));
        Assert.Equal(new[] { 0, 1, 3, 5 }, batches.SelectMany(b => b.Indices));
        Assert.Equal(2, lenient.SkippedCount);
        Assert.Equal(new[] { garbage, truncated }.Order(), lenient.SkippedFiles.Order());
    }

    [Fact]
    public void MissingImagesFailAtOpenOrAreSkipped()
    {
        using var temp = new TempFolder();
        string images = Path.Combine(temp.Path, "img_align_celeba");
        Directory.CreateDirectory(images);
        File.WriteAllBytes(Path.Combine(images, "a.jpg"), Jpeg(40, 50, 1));
        CelebAAttributeFile.Write(Path.Combine(temp.Path, "list_attr_celeba.txt"), new[]
        {
            new CelebAAttributeRow("a.jpg", AttributeSet.Empty),
            new CelebAAttributeRow("gone.jpg", AttributeSet.Empty),
        });
        var e = Assert.Throws<FaceImageException>(() => FaceImageDataset.Open(temp.Path));
        Assert.Contains("gone.jpg", e.Message);
        var lenient = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { BadImages = BadImagePolicy.Skip });
        Assert.Equal(1, lenient.Count);
        Assert.Single(lenient.SkippedFiles, p => p.EndsWith("gone.jpg", StringComparison.Ordinal));
        Assert.Throws<FileNotFoundException>(() => FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Partition = CelebAPartition.Test }));
        Assert.Throws<FileNotFoundException>(() => FaceImageDataset.Open(images));
    }

    [Fact]
    public void CentreCropKeepsTheMiddleOfTallImages()
    {
        using var temp = new TempFolder();
        // 20 x 60: red top third, green middle, blue bottom. The centre square is the green band.
        using var bitmap = new SKBitmap(20, 60);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Green);
            using var paint = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, 20, 20, paint);
            paint.Color = SKColors.Blue;
            canvas.DrawRect(0, 40, 20, 20, paint);
        }

        Directory.CreateDirectory(Path.Combine(temp.Path, "images"));
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
        {
            File.WriteAllBytes(Path.Combine(temp.Path, "images", "x.png"), data.ToArray());
        }

        CelebAAttributeFile.Write(Path.Combine(temp.Path, "list_attr_celeba.txt"), new[] { new CelebAAttributeRow("x.png", AttributeSet.Empty) });
        var dataset = FaceImageDataset.Open(temp.Path, new FaceDatasetOptions { Resolution = 10 });
        using var scope = NewDisposeScope();
        var image = dataset.LoadImage(0);
        var mean = image.mean([1, 2]);
        Assert.True(mean[0].item<float>() < -0.95f && mean[1].item<float>() > -0.05f && mean[2].item<float>() < -0.95f, mean.ToString(TorchSharp.TensorStringStyle.Julia));
    }

    private static byte[] Jpeg(int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)(seed * 40), 120, 200));
            using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, width / 3f, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
