#!/usr/bin/env node
// Builds the production bundle Quarry ships (docs/decisions/0025-single-file-bundle.md): the CLI and the SDK as
// one ES module each under dist/bundle/, with every npm dependency inlined and tree-shaken, plus the two
// WebAssembly files that cannot be inlined (web-tree-sitter's runtime and the bash grammar) copied beside them.
// The installed package then needs no node_modules at all, and start-up loads one file instead of ~900.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "bundle");
const require = createRequire(join(root, "package.json"));

/** Files loaded at run time by path, next to the bundle (web-tree-sitter looks beside its own module). */
const WASM = [
  require.resolve("web-tree-sitter/web-tree-sitter.wasm"),
  require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"),
];

// Bundled ES modules still meet CommonJS dependencies that call require() for Node built-ins.
// js-yaml 3 (gray-matter's YAML engine) probes for `esprima` at load time, only to support `!!js/function`,
// which the safe loading gray-matter uses never accepts. Installed, the probe fails and is caught; in a
// checkout it would find the dev tree's esprima and compile ~300 KB on every start. The bundle says no.
const banner = [
  "import { createRequire as __quarryCreateRequire } from 'node:module';",
  "const __quarryRequire = __quarryCreateRequire(import.meta.url);",
  "const require = Object.assign((id) => { if (id === 'esprima') throw new Error('esprima is not bundled'); return __quarryRequire(id); }, __quarryRequire);",
].join("\n");

// Ink connects to React's devtools only when DEV=true; that package is not a dependency, so the bundle gets a
// stand-in that says so instead of a static import that would fail on every start.
const noDevtools = {
  name: "no-react-devtools",
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({
      path: "react-devtools-core",
      namespace: "stub",
    }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents:
        'const off = () => { throw new Error("React devtools are not part of the Quarry bundle; run from a checkout"); };\n' +
        "export default { initialize: off, connectToDevTools: off };\n",
      loader: "js",
    }));
  },
};

// zod re-exports all of its ~40 message locales as `z.locales` (~300 KB, half of zod), and esbuild cannot drop
// them once any module holds zod's namespace object. Quarry and its dependencies only ever use English (zod's
// default, which zod imports on its own), so the bundle's `locales` namespace carries English alone.
const englishZodLocales = {
  name: "zod-english-locales",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-locales" };
    });
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};\n`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

// With code splitting, esbuild turns `await import("cjs-package")` into a native import of a chunk that only has
// a default export, so `const { name } = await import(...)` would get undefined. Each CommonJS package the
// source imports dynamically gets an ES facade instead, with its export names read at build time.
const cjsFacades = {
  name: "cjs-dynamic-import-facades",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.namespace === "cjs-facade") return undefined;
      const found = await b.resolve(args.path, { kind: "import-statement", resolveDir: args.resolveDir });
      // Node built-ins resolve to no file (external); they keep their native named exports.
      if (found.errors.length > 0 || found.external || !found.path.startsWith("/")) return undefined;
      if (!isCommonJs(found.path)) return undefined;
      return { path: args.path, namespace: "cjs-facade", pluginData: { resolveDir: args.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: "cjs-facade" }, (args) => {
      const names = Object.keys(require(args.path)).filter(
        (n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default",
      );
      return {
        contents: `import m from ${JSON.stringify(args.path)};\nexport const { ${names.join(", ")} } = m;\nexport default m;\n`,
        resolveDir: args.pluginData.resolveDir,
        loader: "js",
      };
    });
  },
};

// yoga-layout (Ink's layout engine) carries its WebAssembly inline as a data: URI, and its Emscripten loader
// still tries `fetch` on that URI first. In Node that touching of `fetch` loads undici (~60 ms on the TUI's
// first frame, docs/decisions/0029-tui-draws-first.md) only to decode base64 it decodes itself on the fallback
// path. The bundle takes the fallback directly; a yoga release that changes the loader fails the build here.
const YOGA_FETCH = '"function"!=typeof fetch';
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const count = source.split(YOGA_FETCH).length - 1;
      if (count !== 2)
        throw new Error(`yoga-layout's wasm loader changed (${count} fetch checks, expected 2)`);
      return { contents: source.replaceAll(YOGA_FETCH, "true"), loader: "js" };
    });
  },
};

/** Whether a resolved file is CommonJS: no ES import/export statement in it (as esbuild itself decides). */
function isCommonJs(file) {
  if (file.endsWith(".mjs")) return false;
  return !/^\s*(import|export)\b[\s{*]/m.test(readFileSync(file, "utf8"));
}

/** Builds dist/bundle/{quarry,sdk}.mjs and copies the wasm files; returns the output sizes in bytes. */
export async function bundle({ quiet = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { quarry: "src/cli/main.ts", sdk: "src/sdk/index.ts" },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    // Each `await import()` in the source (the TUI, the emulator, the AWS SDK's clients, subcommands) becomes
    // its own chunk, so a start-up evaluates only what it reaches; one flat file would run all of it up front.
    splitting: true,
    chunkNames: "[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    minifySyntax: true,
    minifyWhitespace: true,
    // Identifiers are not minified, so stack traces users paste into issues stay readable without a map.
    legalComments: "linked",
    banner: { js: banner },
    plugins: [noDevtools, cjsFacades, englishZodLocales, yogaWithoutFetch],
    // sharp loads a native binary for the platform it is installed on; it stays an (optional) package.
    external: ["sharp"],
    // ES builds where packages ship both (the AWS SDK): they tree-shake, and dynamic imports keep their names.
    mainFields: ["module", "main"],
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
    logLevel: quiet ? "error" : "warning",
  });
  for (const file of WASM) copyFileSync(file, join(out, file.split("/").pop()));
  // Which sources each chunk holds, so tests can tell what a start-up loaded (not shipped: files in package.json).
  writeFileSync(join(out, "metafile.json"), JSON.stringify(result.metafile));
  const sizes = {};
  for (const name of Object.keys(result.metafile.outputs)) sizes[name] = statSync(join(root, name)).size;
  return { sizes, metafile: result.metafile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { sizes } = await bundle();
  const files = Object.entries(sizes).filter(([name]) => name.endsWith(".mjs"));
  const total = files.reduce((sum, [, size]) => sum + size, 0);
  console.log(`dist/bundle: ${files.length} files, ${(total / 1024).toFixed(0)} KiB`);
}
