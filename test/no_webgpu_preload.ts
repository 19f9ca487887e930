// Preloaded (`node --import`) by test/webgpu_cli.test.ts: the `webgpu` package cannot be found, as
// on a machine where it is not installed, so the CLI's error for a missing WebGPU can be checked
// on a machine that has it.
//
//   node --import ./dist/test/no_webgpu_preload.js dist/src/cli/main.js train config.yaml --device webgpu

import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') {
    const err = new Error("Cannot find package 'webgpu' imported from " + context.parentURL);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
