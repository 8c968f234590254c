using T2F.Core.Training;
using Xunit;

namespace T2F.Core.Tests.Training;

public class LossLogTests
{
    private static readonly string[] Names = { "a", "b" };

    [Fact]
    public void ResumingDropsRowsAfterTheCheckpointAndARowTornByACrash()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("t2f-losslog").FullName, "losses.csv");
        try
        {
            File.WriteAllText(path, "step,a,b,images_per_s\n1,0.5,0.25,3.00\n2,0.4,,3.10\n3,0.3,0.2,3.20\n4,0.2");
            using (var log = LossLog.Open(path, Names, step: 2))
            {
                log.Write(3, Names, new Dictionary<string, double> { ["a"] = 0.125 }, 4);
            }

            Assert.Equal(new[] { "step,a,b,images_per_s", "1,0.5,0.25,3.00", "2,0.4,,3.10", "3,0.125,,4.00" }, File.ReadAllLines(path));
            using (LossLog.Open(path, Names, step: 0))
            {
            }

            Assert.Equal(new[] { "step,a,b,images_per_s" }, File.ReadAllLines(path)); // a new run starts a new log
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Fact]
    public void ResumingWithAnAddedLossColumnKeepsTheOldRowsUnderTheNewHeader()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("t2f-losslog").FullName, "losses.csv");
        try
        {
            File.WriteAllText(path, "step,a,images_per_s\n1,0.5,3.00\n2,0.4,3.10\n3,0.3,3.20\n");
            using (var log = LossLog.Open(path, Names, step: 2))
            {
                log.Write(3, Names, new Dictionary<string, double> { ["a"] = 0.125, ["b"] = 0.5 }, 4);
            }

            Assert.Equal(new[] { "step,a,b,images_per_s", "1,0.5,,3.00", "2,0.4,,3.10", "3,0.125,0.5,4.00" }, File.ReadAllLines(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }
}
