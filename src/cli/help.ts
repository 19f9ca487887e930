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
The split defaults to test.`;

export const PROGRAM_HELP = `tessera: train, evaluate and inspect neural networks from the command line.

Usage: tessera <command> [options]

Commands:
  train <config>               train the model a JSON or YAML config describes, and save it
  evaluate <model-dir>         loss and metrics of a saved model on a dataset
  predict <model-dir> <input>  predicted classes and probabilities
  info <model-dir>             architecture, metadata, files and checksums of a saved model

Options:
  -h, --help     show this help; 'tessera <command> --help' shows a command's
  -v, --version  print the version

${EXIT_CODES}

Example:
  tessera train examples/quickstart.yaml`;

export const TRAIN_HELP = `Usage: tessera train <config> [options]

Trains the model described by <config> (.json, .yaml or .yml), prints progress and the final
metrics, and saves the model (model.json + model.safetensors) to the config's output directory.
The whole config is checked before anything runs; each problem names its field.

Options:
  --epochs <n>     override config.epochs
  --output <dir>   override config.output
  --seed <n>       override config.seed
  --dry-run        check the config, load the data and build the model, then stop
  --quiet          print only the final results
  -h, --help       show this help

Config (defaults in brackets; paths are relative to the current directory):
  seed: 0                         weight init, shuffling and validation split
  data:
    source: builtin:fashion-mnist-small | fashion-mnist | idx    (required)
    path, download                fashion-mnist only: a folder to read [cache/Debian], download [true]
    train, test                   idx only: { images: <file>, labels: <file> } (test optional)
    flatten                       images as (N, H*W) rows [true when the model starts with Linear]
    validationSplit: 0.1          fraction held out for validation [0]
    batchSize: 64                 [32]
    shuffle, seed, classes        [true], [config.seed], class names [the dataset's]
  model:                          (required) either a list of nn layers:
    layers:
      - { type: Linear, inFeatures: 784, outFeatures: 128 }
      - { type: ReLU }
      - { type: Linear, inFeatures: 128, outFeatures: 10 }
                                  or a preset sized from the data:
    preset: mlp                   hidden [[256, 128]], activation [relu], dropout [0]
    preset: cnn                   channels [[32, 64]], kernelSize [3], padding [0], activation, dropout
  optimizer:                      (required) type: adam | adamw | sgd | rmsprop | adagrad
    lr: 0.001                     [1e-3 adam/adamw, 1e-2 others]; plus the optimizer's own options
                                  (weightDecay, momentum, nesterov, betas, eps, ...) and clipGradNorm
  schedule:                       optional, stepped once per epoch:
    type: step (stepSize, gamma) | multistep (milestones, gamma) | exponential (gamma)
        | cosine (tMax [epochs], etaMin) | onecycle (maxLr [lr], pctStart, ...)
        | plateau (mode, factor, patience, ...) | warmup (totalIters [5], startFactor [0.1], next: a schedule)
  loss: crossEntropy              [crossEntropy]; also nll, mse, mae, l1, bce, bceWithLogits, huber, smoothL1, kl
  metrics: [accuracy]             [accuracy]; also top<k> (top5), precision, recall, f1, mae, mse
  epochs: 10                      [10]
  callbacks:
    earlyStopping: { monitor: val_loss, patience: 5, minDelta: 0, mode: auto, restoreBestWeights: true }
    checkpoint: { dir: runs/x/checkpoints, monitor: val_loss, saveBestOnly: true }
    csvLogger: runs/x/log.csv
    jsonLogger: runs/x/history.json
  output: runs/<config name>      where the model is saved
  test: true                      evaluate on the test split after training [true]

${EXIT_CODES}

Example:
  tessera train examples/quickstart.yaml --epochs 2 --output /tmp/model`;

export const EVALUATE_HELP = `Usage: tessera evaluate <model-dir> [--data <source>] [options]

Computes the loss and metrics of a saved model on a dataset. The loss and metrics are those the
model was trained with (from its metadata), else crossEntropy and accuracy.

Options:
  --data <source>       the dataset (see below); default: the source the model was trained on
  --batch-size <n>      [256]
  --json                print the results as JSON
  -h, --help            show this help

${SOURCES}

${EXIT_CODES}

Example:
  tessera evaluate runs/quickstart --data builtin:fashion-mnist-small:test`;

export const PREDICT_HELP = `Usage: tessera predict <model-dir> <input> [options]

Prints each input's predicted class (with its name when the model's metadata has class names) and
probability. <input> is one of:
  a data source (see below)       its labels, when known, are shown beside the predictions
  <file>.json                     an array of samples (nested arrays of numbers), or one sample
  an IDX file                     images (uint8 pixels are scaled to [0, 1], as in training)

Options:
  --top-k <k>        show the k most likely classes [1]
  --limit <n>        predict only the first n inputs [all]
  --batch-size <n>   [256]
  --json             print the predictions as JSON
  -h, --help         show this help

${SOURCES}

${EXIT_CODES}

Example:
  tessera predict runs/quickstart builtin:fashion-mnist-small:test --limit 5 --top-k 3`;

export const INFO_HELP = `Usage: tessera info <model-dir> [--json]

Shows a saved model's architecture (with parameter counts), its metadata, and its files with their
sizes, after verifying the weights' SHA-256 checksum against model.json.

Options:
  --json       print the information as JSON
  -h, --help   show this help

${EXIT_CODES}`;

export const COMMAND_HELP: Record<string, string> = {
  train: TRAIN_HELP,
  evaluate: EVALUATE_HELP,
  predict: PREDICT_HELP,
  info: INFO_HELP,
};
