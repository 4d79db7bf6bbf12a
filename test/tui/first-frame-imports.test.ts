import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// What the interactive UI evaluates before its first frame is the static-import closure of the bundle chunk
// that holds src/cli/interactive.ts (plus the entry's). Node 20 has no compile cache, so every byte of it is
// parsed on each start: the session, settings schema, MCP, highlighting and the AWS SDK must stay behind
// dynamic imports (docs/decisions/0029-tui-draws-first.md). Reads dist/bundle/metafile.json from `npm run build`.

const root = new URL("../..", import.meta.url).pathname;
const metaPath = `${root}dist/bundle/metafile.json`;

interface Meta {
  outputs: Record<
    string,
    {
      bytes: number;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

/** The source files the first frame loads, and the chunks they sit in. */
function firstFrameClosure(meta: Meta): { sources: string[]; chunks: string[] } {
  const holder = (src: string) =>
    Object.keys(meta.outputs).find((o) => o.endsWith(".mjs") && meta.outputs[o]!.inputs[src] !== undefined);
  const start = [holder("src/cli/main.ts"), holder("src/cli/interactive.ts")];
  const seen = new Set<string>();
  const stack = start.filter((s): s is string => s !== undefined);
  while (stack.length) {
    const out = stack.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const imp of meta.outputs[out]!.imports)
      if (imp.kind === "import-statement" && !imp.external) stack.push(imp.path);
  }
  const chunks = [...seen];
  return { chunks, sources: chunks.flatMap((c) => Object.keys(meta.outputs[c]!.inputs)) };
}

describe("the TUI's first frame", () => {
  it("loads Ink, React and the App, not the session behind them", () => {
    if (!existsSync(metaPath))
      throw new Error("dist/bundle/metafile.json is missing: run `npm run build` first");
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
    const { sources } = firstFrameClosure(meta);
    expect(sources).toContain("src/ui/tui/App.tsx");
    expect(sources.some((s) => s.includes("node_modules/ink/"))).toBe(true);
    for (const late of [
      "src/runtime/session.ts",
      "src/config/schema.ts",
      "src/mcp/manager.ts",
      "node_modules/zod/",
      "node_modules/@modelcontextprotocol/sdk/",
      "node_modules/@aws-sdk/",
      "node_modules/@smithy/",
      "node_modules/web-tree-sitter/",
      "node_modules/emphasize/",
      "node_modules/diff/",
      "node_modules/js-yaml/",
      "node_modules/ajv/",
    ]) {
      expect(
        sources.filter((s) => s.includes(late)),
        `${late} before the first frame`,
      ).toEqual([]);
    }
  });

  it("keeps yoga's inline wasm away from fetch (which would load undici before the first frame)", () => {
    if (!existsSync(metaPath))
      throw new Error("dist/bundle/metafile.json is missing: run `npm run build` first");
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
    const yoga = Object.keys(meta.outputs).find((o) =>
      Object.keys(meta.outputs[o]!.inputs).some((i) => i.includes("yoga-wasm-base64-esm")),
    );
    expect(yoga).toBeDefined();
    const text = readFileSync(`${root}${yoga}`, "utf8");
    expect(text).toContain("both async and sync fetching of the wasm failed"); // the loader is in this chunk
    expect(text).not.toMatch(/typeof fetch/);
  });
});
