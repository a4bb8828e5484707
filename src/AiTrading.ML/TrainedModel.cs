using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiTrading.Core;
using AiTrading.Core.Features;

namespace AiTrading.ML;

/// <summary>The model families: gradient-boosted and bagged trees (ML.NET) and sequence networks (TorchSharp).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelKind>))]
public enum ModelKind { LightGbm, FastTree, FastForest, Lstm, Transformer, Cnn }

/// <summary>What a model forecasts: the probability of an up move over the horizon, or the forward log return.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))]
public enum ModelTask { Direction, Return }

public static class ModelKinds
{
    public static bool IsDeep(this ModelKind kind) => kind is ModelKind.Lstm or ModelKind.Transformer or ModelKind.Cnn;

    public static string Name(this ModelKind kind) => kind.ToString().ToLowerInvariant();

    /// <exception cref="ValidationException">Not a model kind; the message lists them.</exception>
    public static ModelKind Parse(string? text, string field = "kind")
    {
        foreach (var kind in Enum.GetValues<ModelKind>())
            if (string.Equals(kind.Name(), text, StringComparison.OrdinalIgnoreCase)) return kind;
        throw new ValidationException(field, $"unknown model kind '{text}' (known: {string.Join(", ", Enum.GetValues<ModelKind>().Select(k => k.Name()))})");
    }
}

/// <summary>What a saved model needs to be rebuilt and fed: its kind, task, feature names, window and settings.</summary>
/// <summary>
/// What a saved model needs to be rebuilt and fed: its kind, task, feature names, window and settings; networks add
/// the training rows' feature means and scales and the scale of the return target. <see cref="Definitions"/> are the
/// feature definitions the training data was built with, so a bar file can be scored with the same features.
/// </summary>
public sealed record ModelHeader(ModelKind Kind, ModelTask Task, string[] Features, int Window, TrainingOptions Options,
    FeatureDefinition[] Definitions, float[]? Means = null, float[]? Scales = null, double TargetScale = 1);

/// <summary>
/// A fitted model. It scores one input: the last <see cref="Window"/> feature vectors (one for trees), row-major, in
/// <see cref="Features"/> order; the score is the probability of an up move (<see cref="ModelTask.Direction"/>) or
/// the forecast log return. Scoring is thread-safe.
/// </summary>
public abstract class TrainedModel : IDisposable
{
    private static readonly byte[] Magic = "AITM1\n"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    protected TrainedModel(ModelHeader header) => Header = header;

    public ModelHeader Header { get; }
    public ModelKind Kind => Header.Kind;
    public ModelTask Task => Header.Task;
    public IReadOnlyList<string> Features => Header.Features;
    public int Window => Header.Window;

    /// <exception cref="ArgumentException">The input has the wrong length or a non-finite value; the message names the feature.</exception>
    public double Predict(ReadOnlySpan<float> input)
    {
        CheckInput(input);
        return Score(input);
    }

    /// <summary>Scores every listed row of <paramref name="data"/>, each with the window of rows ending at it.</summary>
    /// <exception cref="ValidationException">The data lacks a feature the model reads, or a row has too few rows before it for the window.</exception>
    public double[] Predict(FeatureDataset data, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        var view = SameFeatures(data) ? data : data.Select(Header.Features);
        foreach (var row in rows)
            if (row < Window - 1 || row >= view.Count)
                throw new ValidationException("data", $"row {row} has {Math.Min(row, view.Count - 1) + 1} rows up to it; the model's window needs {Window}");
        return ScoreRows(view, rows);
    }

    protected abstract double Score(ReadOnlySpan<float> input);

    protected virtual double[] ScoreRows(FeatureDataset data, IReadOnlyList<int> rows)
    {
        var scores = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++) scores[i] = Score(data.Window(rows[i], Window));
        return scores;
    }

    protected abstract void WritePayload(Stream stream);

    /// <summary>The model as bytes: a magic line, the JSON header, then the model's own payload.</summary>
    /// <summary>Scores the last <see cref="Window"/> of <paramref name="rows"/> (feature values by name, oldest first).</summary>
    /// <exception cref="ValidationException">Too few rows, or a row lacks a feature or has a value that is not finite (row and feature named).</exception>
    public double Score(IReadOnlyList<IReadOnlyDictionary<string, double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var features = Header.Features;
        if (rows.Count < Window) throw new ValidationException("rows", $"has {rows.Count} feature vectors; the model reads the last {Window}");
        var size = Window * features.Length;
        Span<float> input = size <= 1024 ? stackalloc float[size] : new float[size];
        for (var r = 0; r < Window; r++)
        {
            var index = rows.Count - Window + r;
            for (var f = 0; f < features.Length; f++)
            {
                if (!rows[index].TryGetValue(features[f], out var value))
                    throw new ValidationException($"rows[{index}]", $"has no feature '{features[f]}' (the model reads {string.Join(", ", features)})");
                if (!double.IsFinite(value))
                    throw new ValidationException($"rows[{index}].{features[f]}", $"is {value}; models need finite features");
                input[r * features.Length + f] = (float)value;
            }
        }
        return Predict(input);
    }

    public byte[] ToArtifact()
    {
        using var stream = new MemoryStream();
        stream.Write(Magic);
        var header = JsonSerializer.SerializeToUtf8Bytes(Header, Json);
        stream.Write(BitConverter.GetBytes(header.Length));
        stream.Write(header);
        // Payloads (ML.NET's zip) may record offsets from the start of the stream they were written to.
        using var payload = new MemoryStream();
        WritePayload(payload);
        payload.Position = 0;
        payload.CopyTo(stream);
        return stream.ToArray();
    }

    /// <summary>SHA-256 of an artifact, lower-case hex: the identity of a model version.</summary>
    public static string Hash(byte[] artifact) => Convert.ToHexStringLower(SHA256.HashData(artifact));

    /// <exception cref="ValidationException">The bytes are not a model artifact.</exception>
    public static TrainedModel FromArtifact(byte[] artifact)
    {
        var (header, payloadStart) = ReadHeader(artifact);
        var payload = new MemoryStream(artifact, payloadStart, artifact.Length - payloadStart, writable: false);
        return header.Kind.IsDeep() ? SequenceModels.Load(header, payload) : TreeModels.Load(header, payload);
    }

    /// <summary>What an artifact reads (kind, features and their definitions, window) without loading the model.</summary>
    /// <exception cref="ValidationException">The bytes are not a model artifact.</exception>
    public static ModelHeader HeaderOf(byte[] artifact) => ReadHeader(artifact).Header;

    private static (ModelHeader Header, int PayloadStart) ReadHeader(byte[] artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        if (artifact.Length < Magic.Length + 4 || !artifact.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ValidationException("model", "is not an AiTrading model artifact (bad magic)");
        var length = BitConverter.ToInt32(artifact, Magic.Length);
        var start = Magic.Length + 4;
        if (length <= 0 || start + length > artifact.Length) throw new ValidationException("model", "artifact header is truncated");
        try
        {
            var header = JsonSerializer.Deserialize<ModelHeader>(artifact.AsSpan(start, length), Json)
                ?? throw new ValidationException("model", "artifact header is empty");
            return (header, start + length);
        }
        catch (JsonException e)
        {
            throw new ValidationException("model", $"artifact header is not valid: {e.Message}");
        }
    }

    private bool SameFeatures(FeatureDataset data) => data.FeatureNames.SequenceEqual(Header.Features);

    private void CheckInput(ReadOnlySpan<float> input)
    {
        var width = Header.Features.Length;
        if (input.Length != width * Window)
            throw new ArgumentException($"the model reads {Window} × {width} features ({string.Join(", ", Header.Features)}); got {input.Length} values");
        for (var i = 0; i < input.Length; i++)
            if (!float.IsFinite(input[i]))
                throw new ArgumentException($"feature '{Header.Features[i % width]}' is {input[i]}{(Window > 1 ? $" in window row {i / width}" : "")}; models need finite features");
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    internal static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
