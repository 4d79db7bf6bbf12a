// Preload (`node --import bench/lib/count-modules.mjs …`) that appends every module file a process loads to
// $QUARRY_MODULE_LOG: ES modules through a loader hook, CommonJS through require's cache. Used to count what
// start-up loads; the hooks slow loading, so never time a run that counts.
import { appendFileSync } from "node:fs";
import module, { createRequire } from "node:module";

const out = process.env.QUARRY_MODULE_LOG;
if (out) {
  module.register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from "node:fs";
      export async function load(url, context, next) {
        if (url.startsWith("file:")) appendFileSync(${JSON.stringify(out)}, url.slice(7) + "\\n");
        return next(url, context);
      }`)}`,
  );
  const Module = createRequire(import.meta.url)("node:module");
  const original = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    appendFileSync(out, `${filename}\n`);
    return original.call(this, content, filename);
  };
}
