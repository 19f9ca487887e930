#!/usr/bin/env bash
# The property-based and fuzz suites with a larger budget than CI's: SCALE x each property's runs
# (default 20) and a seed (default: random, printed so a failure can be replayed).
#   npm run build && scripts/fuzz.sh [SCALE] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export TESSERA_FUZZ_SCALE="${1:-20}"
export TESSERA_FUZZ_SEED="${2:-$RANDOM$RANDOM}"
echo "fuzz: scale ${TESSERA_FUZZ_SCALE}, seed ${TESSERA_FUZZ_SEED} (replay: scripts/fuzz.sh ${TESSERA_FUZZ_SCALE} ${TESSERA_FUZZ_SEED})"
mapfile -t suites < <(find dist -name '*.fuzz.test.js' -not -path '*/node_modules/*' | sort)
if [ "${#suites[@]}" -eq 0 ]; then echo "fuzz: no *.fuzz.test.js under dist/: run npm run build first" >&2; exit 2; fi
node --test --test-concurrency=1 "${suites[@]}"
