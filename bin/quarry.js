#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Quarry supports Node 20 on purpose; the AWS SDK's per-command end-of-support notice would only be noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    "quarry: the build output is missing. Run `npm run build` (or `npm ci`) in the Quarry checkout.\n",
  );
  process.exit(2);
}
const { main, installExitCleanup, endChildProcesses } = await import(entry.href);
// Children Quarry started never outlive it: signals and exit end their process groups (src/tools/exit-cleanup.ts).
installExitCleanup();
process.exitCode = await main(process.argv.slice(2));
await endChildProcesses();
