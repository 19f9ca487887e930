// The text of `tessera --help` and of each command's `--help`.

const EXIT_CODES = `Exit codes:
  0  success
  1  runtime failure: data or model files missing or corrupted, training failed, output not written
  2  usage or config error: unknown command or option, bad option value, config file missing,
     unparseable or invalid (checked before any work starts)`;

const SOURCES = `Data sources:
  builtin:fashion-mnist-small[:train|:test]    ships with tessera (1,000 train / 500 test images)
  fashion-mnist[:<folder>][:train|:test]       full Fashion-MNIST: <folder>, else the cache
                                               (~/.cache/tessera/fashion-mnist), else Debian's
                                               /usr/share/datasets/fashion-mnist, else downloaded
  idx:<images file>,<labels file>              any IDX pair (.gz or not)
  <file>.csv | .tsv | .parquet | .json | .jsonl  rows of a table (read with DuckDB)
  sql:<query>                                  rows of a DuckDB query, e.g.
                                               "sql:SELECT * FROM read_csv('a.csv') JOIN read_csv('b.csv') USING (id)"
The split of image sources defaults to test.`;

export const PROGRAM_HELP = `tessera: train, evaluate and inspect neural networks from the command line.

Usage: tessera <command> [options]

Commands:
  train <config>               train the model a JSON or YAML config describes, and save it
  evaluate <model-dir>         loss and metrics of a saved model on a dataset (bootstrap intervals, charts)
  evaluate <config> --cv <k>   k-fold cross-validation of a config
  predict <model-dir> <input>  predicted classes and probabilities (or values), e.g. for raw table rows
  info <model-dir>             architecture, metadata, files and checksums of a saved model
  info --devices               the devices to compute on (cpu, webgpu with its adapter's name)

Options:
  -h, --help     show this help; 'tessera <command> --help' shows a command's
  -v, --version  print the version

${EXIT_CODES}

Examples:
  tessera train examples/quickstart.yaml
  tessera train examples/tabular-classification.yaml`;

export const TRAIN_HELP = `Usage: tessera train <config> [options]

Trains the model described by <config> (.json, .yaml or .yml), prints progress and the final
metrics, and saves the model (model.json + model-<sha>.safetensors) to the config's output directory.
The whole config is checked before anything runs; each problem names its field. When early stopping
puts back the weights of its best epoch, the metrics printed and saved are that epoch's (validation
and test computed on those weights), and the report and model.json say which epoch was saved.
A run keeps a resumable checkpoint in <output>/checkpoint (see checkpoint below); --resume goes on
from it after a crash or kill and ends with the weights of a run never stopped.

Options:
  --epochs <n>     override config.epochs
  --output <dir>   override config.output
  --seed <n>       override config.seed
  --resume [dir]   continue from the run's checkpoint: <dir> is the run's output folder or its
                   checkpoint folder [config.checkpoint.dir]; the config must be the one the
                   checkpoint was trained with, except epochs (to train longer), output, test and
                   checkpoint, device; any other changed field is an error naming it
  --device <name>  override config.device: cpu or webgpu (webgpu:N for the Nth adapter)
  --dry-run        check the config, load the data and build the model, then stop
  --quiet          print only the final results
  -h, --help       show this help

Config (defaults in brackets; paths are relative to the current directory):
  seed: 0                         weight init, shuffling and validation split
  data:
    source: builtin:fashion-mnist-small | fashion-mnist | idx | csv | parquet | json | sql   (required)
    path, download                fashion-mnist: a folder to read [cache/Debian], download [true]
    train, test                   idx only: { images: <file>, labels: <file> } (test optional)
    flatten                       images as (N, H*W) rows [true when the model starts with Linear]
    validationSplit: 0.1          fraction held out for validation [0] (tables: seeded, stratified by class)
    batchSize: 64                 [32]
    shuffle, seed, classes        [true], [config.seed], class names [the dataset's]
  Tables (source csv, parquet, json: path: <file>; sql: query: "SELECT ... FROM read_csv('a.csv') ..."):
    target: label                 the label (or value) column (required)
    features: [a, b]              the input columns [every other column]
    drop: [id]                    columns to leave out [none]
    task: classification          or regression [classification for crossEntropy, nll, bce, bceWithLogits]
    testSplit: 0.2                fraction held out as the test set, seeded, stratified by class [0]
    test: <file> | { source, path | query }   labelled rows to test on instead of testSplit
    types: { zip: string }        csv, json, parquet: a column's type (number, boolean, timestamp, string) [the rule:
                                  more than half numbers (booleans, dates) -> that type; leading zeros -> text]
    onBadValue: missing           a value that does not fit its column's type: error (naming file, line,
                                  column, value) or missing (counted and reported) [error]; saved for predict
    nullValues: ['', NA]          values that mean missing [empty, NA, N/A, n/a, NaN, nan, null, NULL, None, ?]
  preprocessing:                  tables only; fitted on the training rows, saved in the model [auto]
    auto                          numbers: SimpleImputer(median) + StandardScaler; strings:
                                  SimpleImputer(mostFrequent) + OneHotEncoder(handleUnknown: ignore)
    none                          the features as they are (numbers without missing values)
    - { type: SimpleImputer, strategy: median, columns: [age] }    a list of steps, in order:
    - { type: OneHotEncoder, handleUnknown: ignore }               a step without columns takes the
                                  features of its kinds (numbers: scalers, OutlierClipper, mean/median
                                  imputing; strings: encoders; both: mostFrequent/constant imputing)
    columnTransformer:            or steps per group of columns, side by side:
      - { name: num, columns: [age, income], steps: [{ type: SimpleImputer }, { type: StandardScaler }] }
      - { columns: [plan], type: OneHotEncoder, handleUnknown: ignore }
      - { columns: [tenure], type: passthrough }                   (or drop)
    remainder: drop               what happens to the other features: drop or passthrough [drop]
                                  types: StandardScaler (withMean, withStd), MinMaxScaler (featureRange,
                                  clip), RobustScaler (withCentering, withScaling, quantileRange),
                                  OneHotEncoder (handleUnknown: error|ignore|infrequent, drop, minFrequency,
                                  maxCategories, handleMissing, categories), OrdinalEncoder (handleUnknown:
                                  error|useEncodedValue, unknownValue, encodedMissingValue, categories),
                                  SimpleImputer (strategy: mean|median|mostFrequent|constant, fillValue),
                                  OutlierClipper (method: iqr|quantile, k, quantileRange)
  classWeight: balanced           classification: weight per class name ({ yes: 3 }), or balanced:
                                  n / (classes * count) [none]
  model:                          (required) either a list of nn layers:
    layers:
      - { type: Linear, inFeatures: 784, outFeatures: 128 }
      - { type: ReLU }
      - { type: Linear, inFeatures: 128, outFeatures: 10 }
                                  or a preset sized from the data:
    preset: mlp                   hidden [[256, 128]], activation [relu], dropout [0] (sized from the
                                  data: tables get one input per feature after preprocessing)
    preset: cnn                   channels [[32, 64]], kernelSize [3], padding [0], activation, dropout
  optimizer:                      (required) type: adam | adamw | sgd | rmsprop | adagrad
    lr: 0.001                     [1e-3 adam/adamw, 1e-2 others]; plus the optimizer's own options
                                  (weightDecay, momentum, nesterov, betas, eps, ...) and clipGradNorm
  schedule:                       optional, stepped once per epoch:
    type: step (stepSize, gamma) | multistep (milestones, gamma) | exponential (gamma)
        | cosine (tMax [epochs], etaMin) | onecycle (maxLr [lr], pctStart, ...)
        | plateau (mode, factor, patience, ...) | warmup (totalIters [5], startFactor [0.1], next: a schedule)
  loss: crossEntropy              [crossEntropy; mse for task regression]; also nll, mse, mae, l1, bce,
                                  bceWithLogits (binary: one output), huber, smoothL1, kl
  metrics: [accuracy]             [accuracy; mae for tabular regression]; also top<k> (top5), precision,
                                  recall, f1, mae, mse
  epochs: 10                      [10]
  callbacks:
    earlyStopping: { monitor: val_loss, patience: 5, minDelta: 0, mode: auto, restoreBestWeights: true }
    checkpoint: { dir: runs/x/checkpoints, monitor: val_loss, saveBestOnly: true }
    csvLogger: runs/x/log.csv
    jsonLogger: runs/x/history.json
  output: runs/<config name>      where the model is saved
  test: true                      evaluate on the test split after training [true]
  device: webgpu                  where the model trains: cpu or webgpu (webgpu:N: the Nth adapter) [cpu];
                                  webgpu needs \`npm install webgpu\` (and, on Linux without a GPU, Mesa's
                                  lavapipe >= 25: mesa-vulkan-drivers from bookworm-backports)
  checkpoint:                     the resumable training checkpoint, rewritten after every epoch
    dir: runs/x/checkpoint        [<output>/checkpoint]
    everySteps: 500               also every this many optimizer steps inside an epoch [500]; 0: at
                                  epoch ends only. checkpoint: false keeps none (no --resume)

${EXIT_CODES}

Examples:
  tessera train examples/quickstart.yaml --epochs 2 --output /tmp/model
  tessera train examples/quickstart.yaml --resume              after a crash: go on from runs/quickstart/checkpoint
  tessera train examples/quickstart.yaml --resume --epochs 20  train a finished run longer
  tessera train examples/tabular-classification.yaml`;

export const EVALUATE_HELP = `Usage: tessera evaluate <model-dir> [--data <source>] [options]
       tessera evaluate <config> --cv <k> [--stratified | --group-column <column>] [options]

The first form evaluates a saved model on labelled data: the loss and metrics it was trained with,
then the evaluation metrics of its predictions:
  classification  accuracy, balanced_accuracy, precision/recall/f1 (macro), roc_auc (roc_auc_ovr for
                  more than two classes), average_precision and pr_auc (binary), log_loss, the
                  confusion matrix and the classification report
  regression      mae, mse, rmse, r2, mape
Binary metrics take the second class (in sorted order: yes of no/yes, 1 of 0/1) as the positive one.

The second form cross-validates a training config: each of the k folds trains a fresh model (seed +
fold) on its training rows, with the preprocessing fitted on those rows only, and predicts its test
rows. It prints each fold's metrics, their mean ± std, and the metrics of the out-of-fold
predictions. The folds split the training rows (config.data.test or testSplit rows stay untouched).

Options:
  --data <source>       the labelled data (see below); default: the test split the model was trained
                        beside (its config's test source, or its testSplit drawn again with its seed)
  --bootstrap <n>       percentile confidence intervals of every metric from n resamples of the rows
                        (stratified by class); with --cv, of the out-of-fold metrics
  --confidence <c>      the level of the intervals [0.95]
  --seed <n>            seed of the bootstrap [0]; with --cv, replaces config.seed
  --charts <dir>        write confusion_matrix, roc and pr (classification; one curve per class
                        one-vs-rest beyond two classes) and, with --cv, training_curves (mean over folds)
  --format svg|png      the format of --charts [svg]
  --threshold <p>       binary classifiers: predict the positive class when its probability >= p [argmax]
  --cv <k>, --kfold <k> cross-validate <config> with k folds (shuffled, seeded)
  --stratified          keep the class proportions in every fold
  --group-column <c>    keep the rows of each value of column c in one fold (GroupKFold)
  --epochs <n>          with --cv: override config.epochs
  --batch-size <n>      [256]
  --device <name>       compute on cpu or webgpu (webgpu:N) [cpu]; with --cv, overrides config.device
  --json                print the results as JSON
  --quiet               with --cv: no progress on stderr
  -h, --help            show this help

${SOURCES}

${EXIT_CODES}

Examples:
  tessera evaluate runs/quickstart --data builtin:fashion-mnist-small:test
  tessera evaluate runs/tabular-classification --bootstrap 1000 --charts runs/tabular-classification/charts
  tessera evaluate examples/tabular-classification.yaml --cv 5 --stratified --bootstrap 1000 --charts runs/cv`;

export const PREDICT_HELP = `Usage: tessera predict <model-dir> <input> [options]

Prints each input's predicted class (with its name when the model's metadata has class names) and
probability, or its predicted value for a regression model. <input> is one of:
  rows of a table: <file>.csv, .tsv, .parquet, .json, .jsonl or sql:<query>   (models trained on a
                                  table: the preprocessing saved with the model is applied to the raw
                                  rows; the columns may come in any order, extra ones are ignored,
                                  missing values and unseen categories are handled as at training;
                                  a column the model needs and the rows lack is an error naming it;
                                  the target column, when present, is shown beside)
  a data source (see below)       images; their labels, when known, are shown beside the predictions
  <file>.json                     images: an array of samples (nested arrays of numbers), or one sample
  an IDX file                     images (uint8 pixels are scaled to [0, 1], as in training)

Options:
  --top-k <k>        show the k most likely classes [1]
  --threshold <p>    binary classifiers: predict the positive (second) class when its probability >= p
  --limit <n>        predict only the first n inputs [all]
  --out <file.csv>   write the predictions as CSV (row, prediction, probability, p_<class>..., label),
                     atomically, instead of printing them
  --keep <columns>   tables: copy these input columns (comma-separated, e.g. an id) into the output
  --batch-size <n>   [256]
  --device <name>    compute on cpu or webgpu (webgpu:N) [cpu]
  --json             print the predictions as JSON
  -h, --help         show this help

${SOURCES}

${EXIT_CODES}

Examples:
  tessera predict runs/quickstart builtin:fashion-mnist-small:test --limit 5 --top-k 3
  tessera predict runs/tabular-classification test/fixtures/cli_tabular/new_customers.csv --keep id --out preds.csv`;

export const INFO_HELP = `Usage: tessera info <model-dir> [--json]
       tessera info --devices [--json]

Shows a saved model's architecture (with parameter counts), its metadata, and its files with their
sizes, after verifying the weights' SHA-256 checksum against model.json. With --devices, lists
the devices tessera can compute on: cpu, and webgpu with its adapter's name when WebGPU is
available (else why not and what to install).

Options:
  --devices    list the devices instead
  --json       print the information as JSON
  -h, --help   show this help

${EXIT_CODES}`;

export const COMMAND_HELP: Record<string, string> = {
  train: TRAIN_HELP,
  evaluate: EVALUATE_HELP,
  predict: PREDICT_HELP,
  info: INFO_HELP,
};
