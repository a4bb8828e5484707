using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace AiTrading.ML;

/// <summary>LightGBM, FastTree (gradient-boosted trees) and FastForest (random forest) through ML.NET.</summary>
internal static class TreeModels
{
    internal sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public float Target { get; set; }
    }

    internal sealed class DirectionScore
    {
        public float Probability { get; set; }
    }

    internal sealed class ReturnScore
    {
        public float Score { get; set; }
    }

    public static TrainedModel Fit(FeatureDataset data, Labels labels, IReadOnlyList<int> samples, ModelHeader header)
    {
        var ml = new MLContext(header.Options.Seed);
        var schema = Schema(header.Features.Length);
        var rows = samples.Select(s => new Row { Features = data.Row(labels.Rows[s]).ToArray(), Label = labels.Up[s], Target = (float)labels.Returns[s] }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var estimator = Trainer(ml, header);
        var model = estimator.Fit(view);
        return new Model(header, ml, model, schema);
    }

    public static TrainedModel Load(ModelHeader header, Stream payload)
    {
        var ml = new MLContext(header.Options.Seed);
        var model = ml.Model.Load(payload, out _);
        return new Model(header, ml, model, Schema(header.Features.Length));
    }

    private static SchemaDefinition Schema(int features)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, ModelHeader header)
    {
        var o = header.Options;
        const string features = nameof(Row.Features);
        if (header.Task == ModelTask.Direction)
        {
            const string label = nameof(Row.Label);
            return header.Kind switch
            {
                ModelKind.LightGbm => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = o.Trees, NumberOfLeaves = o.Leaves,
                    LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
                    Verbose = false, Silent = true,
                }),
                ModelKind.FastTree => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                    LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
                }),
                // A forest's score is the trees' mean vote; Platt scaling on the training rows turns it into a probability.
                ModelKind.FastForest => ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
                {
                    LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                    MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
                }).Append(ml.BinaryClassification.Calibrators.Platt(label)),
                _ => throw new ArgumentOutOfRangeException(nameof(header), header.Kind, "not a tree model"),
            };
        }
        const string target = nameof(Row.Target);
        return header.Kind switch
        {
            ModelKind.LightGbm => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = target, FeatureColumnName = features, NumberOfIterations = o.Trees, NumberOfLeaves = o.Leaves,
                LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
                Verbose = false, Silent = true,
            }),
            ModelKind.FastTree => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                LabelColumnName = target, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
            }),
            ModelKind.FastForest => ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
            {
                LabelColumnName = target, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                MinimumExampleCountPerLeaf = o.MinLeafSamples, Seed = o.Seed, NumberOfThreads = o.Threads,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(header), header.Kind, "not a tree model"),
        };
    }

    private sealed class Model : TrainedModel
    {
        private readonly MLContext _ml;
        private readonly ITransformer _model;
        private readonly SchemaDefinition _schema;
        // Prediction engines are not thread-safe: one per thread.
        private readonly ThreadLocal<PredictionEngine<Row, DirectionScore>>? _direction;
        private readonly ThreadLocal<PredictionEngine<Row, ReturnScore>>? _return;
        private readonly ThreadLocal<Row> _input;

        public Model(ModelHeader header, MLContext ml, ITransformer model, SchemaDefinition schema) : base(header)
        {
            _ml = ml;
            _model = model;
            _schema = schema;
            _input = new(() => new Row { Features = new float[header.Features.Length] });
            if (header.Task == ModelTask.Direction)
                _direction = new(() => ml.Model.CreatePredictionEngine<Row, DirectionScore>(model, inputSchemaDefinition: schema), trackAllValues: true);
            else
                _return = new(() => ml.Model.CreatePredictionEngine<Row, ReturnScore>(model, inputSchemaDefinition: schema), trackAllValues: true);
        }

        protected override double Score(ReadOnlySpan<float> input)
        {
            var row = _input.Value!;
            input.CopyTo(row.Features);
            return _direction is not null ? _direction.Value!.Predict(row).Probability : _return!.Value!.Predict(row).Score;
        }

        protected override double[] ScoreRows(FeatureDataset data, IReadOnlyList<int> rows)
        {
            var view = _ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = data.Row(r).ToArray() }), _schema);
            var scored = _model.Transform(view);
            var column = Task == ModelTask.Direction ? "Probability" : "Score";
            return scored.GetColumn<float>(column).Select(v => (double)v).ToArray();
        }

        protected override void WritePayload(Stream stream) => _ml.Model.Save(_model, null, stream);

        public override void Dispose()
        {
            foreach (var engine in _direction?.Values ?? []) engine.Dispose();
            foreach (var engine in _return?.Values ?? []) engine.Dispose();
            _direction?.Dispose();
            _return?.Dispose();
            _input.Dispose();
            base.Dispose();
        }
    }
}
