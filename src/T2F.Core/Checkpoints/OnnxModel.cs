using System.Collections.ObjectModel;
using System.Globalization;
using WireType = T2F.Core.Checkpoints.ProtobufReader.WireType;

namespace T2F.Core.Checkpoints;

/// <summary>
/// The parts of an ONNX model that a weight loader needs: the graph's nodes (operator and value names) and its
/// initializers (the stored tensors), read with a small protobuf reader. Nothing is executed and no ONNX runtime is
/// involved. Supported initializer storage: <c>raw_data</c>, <c>float_data</c>, <c>int32_data</c> and
/// <c>int64_data</c>; tensors stored in external files are rejected.
/// </summary>
public sealed class OnnxModel
{
    // ONNX field numbers (onnx.proto3).
    private const int ModelIrVersion = 1;
    private const int ModelProducerName = 2;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;
    private const int OpsetDomain = 1;
    private const int OpsetVersion = 2;
    private const int GraphNode = 1;
    private const int GraphNameField = 2;
    private const int GraphInitializer = 5;
    private const int NodeInput = 1;
    private const int NodeOutput = 2;
    private const int NodeName = 3;
    private const int NodeOpType = 4;
    private const int NodeDomain = 7;
    private const int TensorDims = 1;
    private const int TensorDataTypeField = 2;
    private const int TensorFloatData = 4;
    private const int TensorInt32Data = 5;
    private const int TensorInt64Data = 7;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;

    private OnnxModel(long irVersion, string producerName, string graphName, IReadOnlyDictionary<string, long> opsets, IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, TensorData> initializers)
    {
        IrVersion = irVersion;
        ProducerName = producerName;
        GraphName = graphName;
        Opsets = opsets;
        Nodes = nodes;
        Initializers = initializers;
    }

    /// <summary>The ONNX IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The tool that wrote the file (e.g. <c>pytorch</c>).</summary>
    public string ProducerName { get; }

    /// <summary>The graph's name.</summary>
    public string GraphName { get; }

    /// <summary>Operator set versions by domain (empty string: the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; }

    /// <summary>The graph's nodes in file order (topological for valid models).</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The graph's initializers by name, in file order.</summary>
    public IReadOnlyDictionary<string, TensorData> Initializers { get; }

    /// <summary>Reads an ONNX model file.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid ONNX model, or uses external data.</exception>
    public static OnnxModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Read(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Reads an ONNX model from its bytes (a serialized <c>ModelProto</c>).</summary>
    /// <param name="bytes">The model; initializer data is copied out, so the buffer may be reused afterwards.</param>
    /// <param name="sourceName">Used in error messages (file or resource name).</param>
    /// <returns>The model.</returns>
    /// <exception cref="CheckpointFormatException">The bytes are not a valid ONNX model, or use external data.</exception>
    public static OnnxModel Read(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        long irVersion = 0;
        string producer = string.Empty;
        string graphName = string.Empty;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        var initializers = new OrderedDictionary<string, TensorData>(StringComparer.Ordinal);
        bool sawGraph = false;

        var model = new ProtobufReader(bytes, $"{sourceName} (ModelProto)");
        while (model.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case ModelIrVersion when wire == WireType.Varint:
                    irVersion = model.ReadInt64();
                    break;
                case ModelProducerName when wire == WireType.LengthDelimited:
                    producer = model.ReadString();
                    break;
                case ModelOpsetImport when wire == WireType.LengthDelimited:
                    var (domain, version) = ReadOpset(model.ReadBytes(), sourceName);
                    opsets[domain] = version;
                    break;
                case ModelGraph when wire == WireType.LengthDelimited:
                    sawGraph = true;
                    graphName = ReadGraph(model.ReadBytes(), sourceName, nodes, initializers);
                    break;
                default:
                    model.Skip(wire);
                    break;
            }
        }

        if (!sawGraph)
        {
            throw new CheckpointFormatException(
                $"{sourceName} has no graph (ModelProto field 7): it is not an ONNX model, or it is empty or truncated. Check that the file is a .onnx model.");
        }

        return new OnnxModel(
            irVersion,
            producer,
            graphName,
            new ReadOnlyDictionary<string, long>(opsets),
            nodes.AsReadOnly(),
            new ReadOnlyDictionary<string, TensorData>(initializers));
    }

    private static (string Domain, long Version) ReadOpset(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        var reader = new ProtobufReader(bytes, $"{sourceName} (OperatorSetIdProto)");
        string domain = string.Empty;
        long version = 0;
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == OpsetDomain && wire == WireType.LengthDelimited)
            {
                domain = reader.ReadString();
            }
            else if (field == OpsetVersion && wire == WireType.Varint)
            {
                version = reader.ReadInt64();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (domain, version);
    }

    private static string ReadGraph(ReadOnlyMemory<byte> bytes, string sourceName, List<OnnxNode> nodes, OrderedDictionary<string, TensorData> initializers)
    {
        var reader = new ProtobufReader(bytes, $"{sourceName} (GraphProto)");
        string name = string.Empty;
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case GraphNode when wire == WireType.LengthDelimited:
                    nodes.Add(ReadNode(reader.ReadBytes(), sourceName));
                    break;
                case GraphNameField when wire == WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case GraphInitializer when wire == WireType.LengthDelimited:
                    var (tensorName, tensor) = ReadTensor(reader.ReadBytes(), sourceName, initializers.Count);
                    if (!initializers.TryAdd(tensorName, tensor))
                    {
                        throw new CheckpointFormatException($"{sourceName}: the initializer '{tensorName}' appears twice; the model is not valid ONNX.");
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return name;
    }

    private static OnnxNode ReadNode(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        var reader = new ProtobufReader(bytes, $"{sourceName} (NodeProto)");
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = string.Empty, opType = string.Empty, domain = string.Empty;
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case NodeInput when wire == WireType.LengthDelimited:
                    inputs.Add(reader.ReadString());
                    break;
                case NodeOutput when wire == WireType.LengthDelimited:
                    outputs.Add(reader.ReadString());
                    break;
                case NodeName when wire == WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case NodeOpType when wire == WireType.LengthDelimited:
                    opType = reader.ReadString();
                    break;
                case NodeDomain when wire == WireType.LengthDelimited:
                    domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxNode(name, opType, domain, inputs.AsReadOnly(), outputs.AsReadOnly());
    }

    private static (string Name, TensorData Tensor) ReadTensor(ReadOnlyMemory<byte> bytes, string sourceName, int index)
    {
        var reader = new ProtobufReader(bytes, $"{sourceName} (TensorProto #{index})");
        var dims = new List<long>();
        var floats = new List<float>();
        var longs = new List<long>();
        int dataType = 0;
        string name = string.Empty;
        ReadOnlyMemory<byte>? raw = null;
        bool external = false;
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case TensorDims:
                    reader.ReadRepeatedInt64(wire, dims);
                    break;
                case TensorDataTypeField when wire == WireType.Varint:
                    dataType = (int)reader.ReadInt64();
                    break;
                case TensorFloatData:
                    reader.ReadRepeatedFloat(wire, floats);
                    break;
                case TensorInt32Data:
                case TensorInt64Data:
                    reader.ReadRepeatedInt64(wire, longs);
                    break;
                case TensorName when wire == WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case TensorRawData when wire == WireType.LengthDelimited:
                    raw = reader.ReadBytes();
                    break;
                case TensorExternalData:
                    external = true;
                    reader.Skip(wire);
                    break;
                case TensorDataLocation when wire == WireType.Varint:
                    external |= reader.ReadInt64() == 1;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        string label = name.Length > 0 ? $"'{name}'" : string.Create(CultureInfo.InvariantCulture, $"#{index}");
        if (external)
        {
            throw new CheckpointFormatException(
                $"{sourceName}: the initializer {label} is stored in an external data file, which this reader does not follow. " +
                "Re-export the model with its weights inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False)).");
        }

        var shape = dims.ToArray();
        TensorDataType type = dataType switch
        {
            1 => TensorDataType.Float32,
            2 => TensorDataType.UInt8,
            3 => TensorDataType.Int8,
            5 => TensorDataType.Int16,
            6 => TensorDataType.Int32,
            7 => TensorDataType.Int64,
            9 => TensorDataType.Bool,
            10 => TensorDataType.Float16,
            11 => TensorDataType.Float64,
            16 => TensorDataType.BFloat16,
            _ => throw new CheckpointFormatException(
                $"{sourceName}: the initializer {label} has ONNX data type {dataType}, which this reader does not support (supported: float, float16, bfloat16, double, int8/16/32/64, uint8, bool)."),
        };

        try
        {
            if (raw is { } r)
            {
                return (name, new TensorData(type, shape, r.ToArray()));
            }

            if (type == TensorDataType.Float32)
            {
                return (name, TensorData.FromFloats(floats.ToArray(), shape));
            }

            if (type is TensorDataType.Int64 or TensorDataType.Int32)
            {
                int size = type.ElementSize();
                var data = new byte[longs.Count * size];
                for (int i = 0; i < longs.Count; i++)
                {
                    if (size == 8)
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), longs[i]);
                    }
                    else
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(i * 4), unchecked((int)longs[i]));
                    }
                }

                return (name, new TensorData(type, shape, data));
            }
        }
        catch (ArgumentException ex)
        {
            throw new CheckpointFormatException($"{sourceName}: the initializer {label} ({type}{TensorData.FormatShape(shape)}) holds the wrong amount of data: {ex.Message}", ex);
        }

        throw new CheckpointFormatException(
            $"{sourceName}: the initializer {label} ({type}{TensorData.FormatShape(shape)}) keeps its values in a typed field this reader does not support; only raw_data, float_data, int32_data and int64_data are read.");
    }
}
