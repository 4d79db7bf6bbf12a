// Glob, Grep and LS judged by where they really search: an absolute or `../` pattern, a symlink out of the
// workspace, or brace alternatives must not list names from outside it without permission. Each call goes
// through the real tool's permissionTarget, the real policy and the print-mode resolution, as in a session.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPermissionPolicy, resolveForNonInteractive } from "../permissions/index.js";
import { createToolContext } from "./context.js";
import type { GrepEngine } from "./grep.js";
import { createToolRegistry, runToolCall } from "./registry.js";
import type { ToolResult } from "./types.js";

let base: string;
let ws: string;
let sibling: string;
// Unique names that must never show up in output unless reading outside was allowed.
const SIBLING_FILE = "OUTSIDE-sibling-7f3a.txt";
const TOP_FILE = "OUTSIDE-top-7f3a.txt";
const SECRET = "OUTSIDE_SECRET_7f3a";

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "quarry-bounds-")));
  ws = join(base, "ws");
  sibling = join(base, "sibling");
  mkdirSync(join(ws, "src"), { recursive: true });
  mkdirSync(join(ws, "{a,..}"), { recursive: true });
  mkdirSync(sibling);
  writeFileSync(join(ws, "src", "inside.txt"), `inside ${SECRET.toLowerCase()}\n`);
  writeFileSync(join(ws, "{a,..}", "literal.txt"), "literal\n");
  writeFileSync(join(sibling, SIBLING_FILE), `${SECRET}\n`);
  writeFileSync(join(base, TOP_FILE), `${SECRET}\n`);
  symlinkSync(sibling, join(ws, "link"));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Runs a tool the way a print-mode session does: permission first, then the tool only if allowed. */
async function call(
  name: string,
  input: Record<string, unknown>,
  options: { allow?: string[]; engine?: GrepEngine } = {},
): Promise<ToolResult & { denied: boolean }> {
  const tools = createToolRegistry({ cwd: ws, grepEngine: options.engine });
  const tool = tools.find((t) => t.name === name)!;
  const policy = createPermissionPolicy({
    mode: "default",
    allow: options.allow,
    projectRoot: ws,
    home: join(base, "home"),
  });
  const decision = resolveForNonInteractive(
    policy.decide({ tool: name, readOnly: tool.readOnly, target: tool.permissionTarget(input as never) }),
  );
  if (decision.behavior !== "allow") return { content: decision.reason, isError: true, denied: true };
  const result = await runToolCall(tools, name, input, createToolContext({ cwd: ws }));
  return { ...result, denied: false };
}

/** Test tables are built before the temp dirs exist; `@base` and `@sibling` stand for them. */
const at = (text: string) => text.replace("@base", base).replace("@sibling", sibling);

function expectNothingFromOutside(result: ToolResult) {
  expect(result.content).not.toContain(SIBLING_FILE);
  expect(result.content).not.toContain(TOP_FILE);
  expect(result.content).not.toContain(SECRET);
}

describe("Glob checks the base its pattern really searches", () => {
  const escapes = [
    "@base/**",
    "@sibling/*",
    "../*",
    "../sibling/*",
    "sub/../../*",
    "src/../../sibling/*",
    "*/../../sibling/*",
    "src/**/../../../sibling/*",
    "{src,../sibling}/*",
    "{src,{x,../../ws/../sibling}}/*",
    "link/*",
    "link/**",
  ];
  it.each(escapes)("%s: asks, and print mode lists nothing from outside", async (pattern) => {
    const result = await call("Glob", { pattern: at(pattern) });
    expect(result.denied).toBe(true);
    expect(result.content).toContain("outside the project");
    expectNothingFromOutside(result);
  });

  it("path pointing out through a symlink asks too", async () => {
    const result = await call("Glob", { pattern: "*", path: "link" });
    expect(result.denied).toBe(true);
    expectNothingFromOutside(result);
  });

  it("searches inside freely, without following a symlink out of the workspace", async () => {
    const result = await call("Glob", { pattern: "**" });
    expect(result.denied).toBe(false);
    expect(result.content).toContain(join(ws, "src", "inside.txt"));
    expectNothingFromOutside(result);
  });

  it("treats escaped braces as literal names, not alternatives that climb", async () => {
    const result = await call("Glob", { pattern: "\\{a,..\\}/*" });
    expect(result.denied).toBe(false);
    expect(result.content).toBe(join(ws, "{a,..}", "literal.txt"));
  });

  it("searches each brace alternative where it points once reading there is allowed", async () => {
    const allow = [`Read(/${sibling}/**)`];
    const result = await call("Glob", { pattern: "{src,../sibling}/*" }, { allow });
    expect(result.denied).toBe(false);
    expect(result.content.split("\n").sort()).toEqual([
      join(sibling, SIBLING_FILE),
      join(ws, "src", "inside.txt"),
    ]);
    // The allowed sibling does not open its parent.
    expect((await call("Glob", { pattern: "../*" }, { allow })).denied).toBe(true);
  });

  it("refuses a pattern with too many brace alternatives, saying how to fix it", async () => {
    const result = await call("Glob", { pattern: "{1..5000}/*" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("expands to more than 1000 alternatives; use a narrower pattern");
  });
});

describe.each(["rg", "js"] as const)("Grep (%s engine) stays inside the workspace", (engine) => {
  it.each([
    "..",
    "../sibling",
    "link",
    "src/../..",
    "@base",
  ])("path %s asks, and print mode shows nothing from outside", async (path) => {
    const input = { pattern: SECRET, output_mode: "content", path: at(path) };
    const result = await call("Grep", input, { engine });
    expect(result.denied).toBe(true);
    expect(result.content).toContain("outside the project");
    expectNothingFromOutside(result);
  });

  it("a file symlinked from outside asks before its contents are shown", async () => {
    const path = `link/${SIBLING_FILE}`;
    const result = await call("Grep", { pattern: "OUTSIDE", output_mode: "content", path }, { engine });
    expect(result.denied).toBe(true);
    expect(result.content).toContain(`${join(sibling, SIBLING_FILE)} is outside the project`);
    expect(result.content).not.toContain(SECRET);
  });

  it.each([
    "../*",
    "../sibling/*",
    "@sibling/*",
    "{src,../sibling}/*",
    "link/*",
    "**",
  ])("glob %s only filters files inside the search root", async (glob) => {
    const input = { pattern: "(?i)outside_secret", glob: at(glob), output_mode: "content" };
    const result = await call("Grep", input, { engine });
    expect(result.denied).toBe(false);
    expectNothingFromOutside(result);
  });
});

describe("LS stays inside the workspace", () => {
  it.each([
    "..",
    "../sibling",
    "link",
    "src/../..",
    "@base",
  ])("%s asks, and print mode lists nothing", async (path) => {
    const result = await call("LS", { path: at(path) });
    expect(result.denied).toBe(true);
    expect(result.content).toContain("outside the project");
    expectNothingFromOutside(result);
  });

  it("lists the symlink's name inside the workspace, not what it points to", async () => {
    const result = await call("LS", {});
    expect(result.denied).toBe(false);
    expect(result.content).toContain("  link/");
    expectNothingFromOutside(result);
  });
});
