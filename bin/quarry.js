#!/usr/bin/env node
// Thin launcher. An installed package runs the single-file bundle (dist/bundle/quarry.mjs, scripts/bundle.mjs);
// a checkout runs whichever of the bundle and the tsc output (dist/src) was built last, so `npx tsc` alone
// never leaves a stale bundle in charge. Both come from `npm run build` (which `npm ci` runs via `prepare`).
import { statSync } from "node:fs";
import module from "node:module";

// Compiled code is cached on disk between runs (Node >= 22.1; Node 20 has no such API and skips it).
// Never fatal: a read-only cache directory only costs speed.
try {
  module.enableCompileCache?.();
} catch {
  // no cache, same behaviour
}

// Quarry supports Node 20 on purpose; the AWS SDK's per-command end-of-support notice would only be noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const modified = (rel) => {
  try {
    return statSync(new URL(rel, import.meta.url)).mtimeMs;
  } catch {
    return undefined;
  }
};
const bundled = modified("../dist/bundle/quarry.mjs");
const compiled = modified("../dist/src/cli/main.js");
if (bundled === undefined && compiled === undefined) {
  process.stderr.write(
    "quarry: the build output is missing. Run `npm run build` (or `npm ci`) in the Quarry checkout.\n",
  );
  process.exit(2);
}
const entry =
  bundled !== undefined && (compiled === undefined || bundled >= compiled)
    ? "../dist/bundle/quarry.mjs"
    : "../dist/src/cli/main.js";
const { main, installExitCleanup, endChildProcesses } = await import(new URL(entry, import.meta.url).href);
// Children Quarry started never outlive it: signals and exit end their process groups (src/tools/exit-cleanup.ts).
installExitCleanup();
process.exitCode = await main(process.argv.slice(2));
await endChildProcesses();
