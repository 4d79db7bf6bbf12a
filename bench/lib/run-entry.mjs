// `node bench/lib/run-entry.mjs <entry.js> args…`: runs one build of the CLI the way bin/quarry.js does, so
// benchmarks can put the tsc output (dist/src) and the bundle (dist/bundle) side by side.
import module from "node:module";
import { pathToFileURL } from "node:url";

module.enableCompileCache?.();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const [entry, ...args] = process.argv.slice(2);
const { main, installExitCleanup, endChildProcesses } = await import(pathToFileURL(entry).href);
installExitCleanup();
process.exitCode = await main(args);
await endChildProcesses();
