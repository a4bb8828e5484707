using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AiTrading.ML;

/// <summary>
/// LSTM, Transformer encoder and 1-D CNN over the last <see cref="TrainingOptions.Window"/> feature vectors, with
/// TorchSharp. Features are standardised with the training rows' means and deviations; training is Adam on
/// shuffled mini-batches (binary cross-entropy on logits for direction, squared error on the scaled return), seeded,
/// keeping the epoch that scores best on the last tenth of the training rows.
/// </summary>
internal static class SequenceModels
{
    /// <summary>CUDA when asked for or, with <c>auto</c>, when present; else the CPU.</summary>
    public static Device Pick(string device) => device switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA : throw new InvalidOperationException("options.device is cuda, but no CUDA device is available"),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    public static TrainedModel Fit(FeatureDataset data, Labels labels, IReadOnlyList<int> samples, ModelHeader header, CancellationToken cancellation)
    {
        var o = header.Options;
        var width = header.Features.Length;
        var (means, scales) = Standardisation(data, labels, samples);
        var targetScale = 1.0;
        if (header.Task == ModelTask.Return)
        {
            var deviation = Math.Sqrt(samples.Average(s => labels.Returns[s] * labels.Returns[s]));
            targetScale = deviation > 0 ? deviation : 1;
        }
        header = header with { Means = means, Scales = scales, TargetScale = targetScale };

        var device = Pick(o.Device);
        torch.set_num_threads(o.Threads);
        random.manual_seed(o.Seed);
        var net = Network.Create(header);
        net.to(device);
        var windows = new float[samples.Count * header.Window * width];
        var targets = new float[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            Standardise(data.Window(labels.Rows[samples[i]], header.Window), means, scales, windows.AsSpan(i * header.Window * width, header.Window * width));
            targets[i] = header.Task == ModelTask.Direction ? (labels.Up[samples[i]] ? 1 : 0) : (float)(labels.Returns[samples[i]] / targetScale);
        }

        // Early stopping: the last tenth of the training samples (after a gap of the label horizon, so no inner
        // training label reads them) scores each epoch; the weights of the best epoch are kept.
        var stride = header.Window * width;
        var validationStart = samples.Count - Math.Max(1, samples.Count / 10);
        var firstValidationRow = labels.Rows[samples[validationStart]];
        var fitting = Enumerable.Range(0, validationStart).Where(i => labels.Ends[samples[i]] < firstValidationRow).ToArray();
        if (fitting.Length < o.BatchSize) fitting = Enumerable.Range(0, samples.Count).ToArray();
        var validation = Enumerable.Range(validationStart, samples.Count - validationStart).ToArray();

        using var optimizer = new AdamOptimizer(net, o.NetworkLearningRate);
        var shuffle = new Random(o.Seed);
        var best = double.PositiveInfinity;
        byte[]? bestWeights = null;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            net.train();
            shuffle.Shuffle(fitting);
            for (var start = 0; start < fitting.Length; start += o.BatchSize)
            {
                net.zero_grad();
                using (var scope = NewDisposeScope())
                {
                    var (x, y) = Batch(fitting.AsSpan(start, Math.Min(o.BatchSize, fitting.Length - start)));
                    Loss(net.forward(x), y).backward();
                }
                optimizer.Step();
            }
            net.eval();
            double validationLoss;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var (x, y) = Batch(validation);
                validationLoss = Loss(net.forward(x), y).item<float>();
            }
            if (validationLoss < best)
            {
                best = validationLoss;
                using var snapshot = new MemoryStream();
                using (var writer = new BinaryWriter(snapshot, System.Text.Encoding.UTF8, leaveOpen: true)) net.save(writer);
                bestWeights = snapshot.ToArray();
            }
        }
        if (bestWeights is not null) net.load(new MemoryStream(bestWeights));

        (Tensor X, Tensor Y) Batch(ReadOnlySpan<int> indices)
        {
            var x = new float[indices.Length * stride];
            var y = new float[indices.Length];
            for (var b = 0; b < indices.Length; b++)
            {
                windows.AsSpan(indices[b] * stride, stride).CopyTo(x.AsSpan(b * stride));
                y[b] = targets[indices[b]];
            }
            return (tensor(x, [indices.Length, header.Window, width], device: device), tensor(y, [indices.Length], device: device));
        }

        Tensor Loss(Tensor output, Tensor y) => header.Task == ModelTask.Direction
            ? nn.functional.binary_cross_entropy_with_logits(output, y)
            : nn.functional.mse_loss(output, y);

        net.eval();
        return new Model(header, net, device);
    }

    public static TrainedModel Load(ModelHeader header, Stream payload)
    {
        if (header.Means is null || header.Scales is null || header.Means.Length != header.Features.Length || header.Scales.Length != header.Features.Length)
            throw new Core.ValidationException("model", "network artifact lacks the feature standardisation");
        var device = Pick(header.Options.Device);
        var net = Network.Create(header);
        net.load(payload);
        net.to(device);
        net.eval();
        return new Model(header, net, device);
    }

    /// <summary>
    /// Adam (β₁ 0.9, β₂ 0.999, ε 1e−8, bias-corrected), written here rather than TorchSharp's optim.Adam. TorchSharp
    /// turns default arguments (an add's alpha of 1) into temporary scalars that nothing references once their handle
    /// is passed to native code, so a GC finalising one mid-call corrupts the op (seen intermittently with tests in
    /// parallel). Here every scalar, alpha included, lives in a using until its op returns.
    /// </summary>
    private sealed class AdamOptimizer : IDisposable
    {
        private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        private readonly Parameter[] _parameters;
        private readonly Tensor[] _first, _second;
        private readonly double _rate;
        private int _steps;

        public AdamOptimizer(nn.Module net, double rate)
        {
            _rate = rate;
            _parameters = net.parameters().ToArray();
            using var noGrad = no_grad();
            _first = _parameters.Select(p => zeros_like(p)).ToArray();
            _second = _parameters.Select(p => zeros_like(p)).ToArray();
        }

        public void Step()
        {
            _steps++;
            var correction1 = 1 - Math.Pow(Beta1, _steps);
            var correction2 = 1 - Math.Pow(Beta2, _steps);
            using Scalar beta1 = Beta1, keep1 = 1 - Beta1, beta2 = Beta2, keep2 = 1 - Beta2, epsilon = Epsilon, one = 1,
                rootCorrection2 = Math.Sqrt(correction2), step = -_rate / correction1;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            for (var i = 0; i < _parameters.Length; i++)
            {
                var gradient = _parameters[i].grad;
                if (gradient is null) continue;
                _first[i].mul_(beta1).add_(gradient, keep1);
                _second[i].mul_(beta2).addcmul_(gradient, gradient, keep2);
                var denominator = _second[i].sqrt().div_(rootCorrection2).add_(epsilon, one);
                _parameters[i].addcdiv_(_first[i], denominator, step);
            }
        }

        public void Dispose()
        {
            foreach (var t in _first.Concat(_second)) t.Dispose();
        }
    }

    private static (float[] Means, float[] Scales) Standardisation(FeatureDataset data, Labels labels, IReadOnlyList<int> samples)
    {
        var width = data.FeatureCount;
        var sum = new double[width];
        var squares = new double[width];
        foreach (var s in samples)
        {
            var row = data.Row(labels.Rows[s]);
            for (var f = 0; f < width; f++)
            {
                sum[f] += row[f];
                squares[f] += (double)row[f] * row[f];
            }
        }
        var means = new float[width];
        var scales = new float[width];
        for (var f = 0; f < width; f++)
        {
            var mean = sum[f] / samples.Count;
            var deviation = Math.Sqrt(Math.Max(0, squares[f] / samples.Count - mean * mean));
            means[f] = (float)mean;
            scales[f] = deviation > 1e-12 ? (float)deviation : 1; // a constant feature stays 0 after centring
        }
        return (means, scales);
    }

    private static void Standardise(ReadOnlySpan<float> window, float[] means, float[] scales, Span<float> target)
    {
        for (var i = 0; i < window.Length; i++)
        {
            var f = i % means.Length;
            target[i] = (window[i] - means[f]) / scales[f];
        }
    }

    private sealed class Model(ModelHeader header, Network net, Device device) : TrainedModel(header)
    {
        private readonly Lock _gate = new();

        protected override double Score(ReadOnlySpan<float> input)
        {
            var standardised = new float[input.Length];
            Standardise(input, Header.Means!, Header.Scales!, standardised);
            lock (_gate)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var output = net.forward(tensor(standardised, [1, Window, Features.Count], device: device)).cpu();
                return Finish(output.item<float>());
            }
        }

        protected override double[] ScoreRows(FeatureDataset data, IReadOnlyList<int> rows)
        {
            var stride = Window * Features.Count;
            var scores = new double[rows.Count];
            const int chunk = 512;
            for (var start = 0; start < rows.Count; start += chunk)
            {
                var count = Math.Min(chunk, rows.Count - start);
                var batch = new float[count * stride];
                for (var b = 0; b < count; b++) Standardise(data.Window(rows[start + b], Window), Header.Means!, Header.Scales!, batch.AsSpan(b * stride, stride));
                lock (_gate)
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    var output = net.forward(tensor(batch, [count, Window, Features.Count], device: device)).cpu().data<float>().ToArray();
                    for (var b = 0; b < count; b++) scores[start + b] = Finish(output[b]);
                }
            }
            return scores;
        }

        private double Finish(float output) => Task == ModelTask.Direction ? 1 / (1 + Math.Exp(-output)) : output * Header.TargetScale;

        protected override void WritePayload(Stream stream)
        {
            // Module.save(Stream) closes the stream; a writer that leaves it open does not.
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            lock (_gate) net.save(writer);
        }

        public override void Dispose()
        {
            net.Dispose();
            base.Dispose();
        }
    }

    /// <summary>Input [batch, window, features] → one logit (or scaled return) per sample.</summary>
    private abstract class Network(string name) : nn.Module<Tensor, Tensor>(name)
    {
        public static Network Create(ModelHeader header) => header.Kind switch
        {
            ModelKind.Lstm => new LstmNetwork(header),
            ModelKind.Transformer => new TransformerNetwork(header),
            ModelKind.Cnn => new ConvolutionNetwork(header),
            _ => throw new ArgumentOutOfRangeException(nameof(header), header.Kind, "not a sequence model"),
        };
    }

    /// <summary>An LSTM read to the window's last step, then a linear head.</summary>
    private sealed class LstmNetwork : Network
    {
        private readonly LSTM lstm;
        private readonly Linear head;

        public LstmNetwork(ModelHeader h) : base("lstm")
        {
            lstm = nn.LSTM(h.Features.Length, h.Options.Hidden, h.Options.Layers, batchFirst: true);
            head = nn.Linear(h.Options.Hidden, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var (output, _, _) = lstm.forward(x);
            return head.forward(output[.., -1, ..]).squeeze(-1);
        }
    }

    /// <summary>
    /// Features projected to the model width plus a learnt position embedding, a Transformer encoder (two heads, no
    /// dropout), the last step's state, then a linear head.
    /// </summary>
    private sealed class TransformerNetwork : Network
    {
        private readonly Linear project;
        private readonly Parameter position;
        private readonly TransformerEncoder encoder;
        private readonly Linear head;
        private readonly Scalar one = 1; // explicit alpha for the add below (see AdamOptimizer on temporary scalars)

        public TransformerNetwork(ModelHeader h) : base("transformer")
        {
            project = nn.Linear(h.Features.Length, h.Options.Hidden);
            position = nn.Parameter(nn.init.normal_(empty(h.Window, 1, h.Options.Hidden), 0, 0.02));
            encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(h.Options.Hidden, 2, 2 * h.Options.Hidden, 0.0), h.Options.Layers);
            head = nn.Linear(h.Options.Hidden, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var sequence = project.forward(x).permute(1, 0, 2).add(position, one); // [window, batch, hidden]
            var encoded = encoder.forward(sequence, null, null);
            return head.forward(encoded[-1]).squeeze(-1);
        }
    }

    /// <summary>
    /// Two same-padded convolutions of width 3 with ReLU over time, averaged over the window, then a linear head. Each
    /// convolution is computed as one matrix product over the three time taps: libtorch 2.10's CPU conv1d kernel (as
    /// TorchSharp 0.107 calls it) intermittently wrote NaN for finite inputs and weights, depending on the batch. The
    /// weights keep Conv1d's layout and names, so saved models load and score as before.
    /// </summary>
    private sealed class ConvolutionNetwork : Network
    {
        private readonly Conv1d first, second;
        private readonly Linear head;
        private readonly Scalar one = 1; // explicit alpha for the bias add (see AdamOptimizer on temporary scalars)

        public ConvolutionNetwork(ModelHeader h) : base("cnn")
        {
            first = nn.Conv1d(h.Features.Length, h.Options.Hidden, 3, padding: 1);
            second = nn.Conv1d(h.Options.Hidden, h.Options.Hidden, 3, padding: 1);
            head = nn.Linear(h.Options.Hidden, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var hidden = nn.functional.relu(Same(nn.functional.relu(Same(x, first)), second)); // [batch, window, hidden]
            return head.forward(hidden.mean([1])).squeeze(-1);
        }

        /// <summary>[batch, window, in] → [batch, window, out]: out[t] = bias + Σₖ W[·,·,k]·x[t−1+k], zeros beyond the window.</summary>
        private Tensor Same(Tensor x, Conv1d convolution)
        {
            var window = x.shape[1];
            var padded = nn.functional.pad(x, [0, 0, 1, 1]);
            var taps = stack([padded.narrow(1, 0, window), padded.narrow(1, 1, window), padded.narrow(1, 2, window)], -1); // [batch, window, in, 3]
            var weight = convolution.weight!.reshape(convolution.weight!.shape[0], -1); // [out, in·3]: input channel major, tap minor
            return taps.reshape(x.shape[0], window, -1).matmul(weight.t()).add(convolution.bias!, one);
        }
    }
}
