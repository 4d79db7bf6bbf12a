import { mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";
import { createToolRegistry, toolDefinitions } from "./registry.js";
import type { Tool } from "./types.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe("toolDefinitions", () => {
  it("gives every tool a JSON Schema object without $schema, with Claude Code's field names", () => {
    const definitions = toolDefinitions(createToolRegistry());
    expect(definitions.map((d) => d.name)).toEqual([
      "Read",
      "Write",
      "Edit",
      "MultiEdit",
      "Bash",
      "Glob",
      "Grep",
      "LS",
      "TodoWrite",
      "WebFetch",
    ]);
    for (const d of definitions) {
      expect(d.input_schema.type).toBe("object");
      expect(d.input_schema).not.toHaveProperty("$schema");
      expect(d.description.length).toBeGreaterThan(50);
    }
    const edit = definitions.find((d) => d.name === "Edit")!;
    expect(edit.input_schema.required).toEqual(["file_path", "old_string", "new_string"]);
    const grep = definitions.find((d) => d.name === "Grep")!.input_schema.properties as Record<
      string,
      unknown
    >;
    expect(Object.keys(grep)).toEqual(
      expect.arrayContaining([
        "pattern",
        "path",
        "glob",
        "type",
        "output_mode",
        "-i",
        "-n",
        "-A",
        "-B",
        "-C",
        "head_limit",
      ]),
    );
  });
});

describe("runToolCall", () => {
  it("turns invalid input into an error naming the field and what was expected", async () => {
    const missing = await ws.call("Read", {});
    expect(missing.isError).toBe(true);
    expect(missing.content).toContain("Invalid input for Read:");
    expect(missing.content).toContain("- file_path: required field is missing (expected string)");
    const wrongType = await ws.call("Read", { file_path: "a", limit: "ten" });
    expect(wrongType.content).toContain("- limit: Invalid input: expected number, received string");
    const notObject = await ws.call("Bash", "ls");
    expect(notObject.content).toContain("- (the input itself):");
  });

  it("lists the available tools for an unknown name", async () => {
    const result = await ws.call("Reed", { file_path: "a" });
    expect(result.isError).toBe(true);
    expect(result.content).toBe(
      'Unknown tool "Reed". Available tools: Read, Write, Edit, MultiEdit, Bash, Glob, Grep, LS, TodoWrite, WebFetch.',
    );
  });

  it("turns an unexpected exception inside a tool into an error result", async () => {
    ws.write("plain.txt", "x");
    const result = await ws.call("Read", { file_path: "plain.txt/child" });
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/^Read failed: ENOTDIR/);
  });
});

describe("permissionTarget", () => {
  it("returns absolute paths with symlinks resolved, also for files not yet created", () => {
    const outside = realpathSync(mkdtempSync(join(tmpdir(), "quarry-outside-")));
    try {
      symlinkSync(outside, join(ws.dir, "escape"));
      const tools = createToolRegistry({ cwd: ws.dir });
      const byName = (name: string) => tools.find((t) => t.name === name) as Tool<Record<string, unknown>>;
      expect(byName("Read").permissionTarget({ file_path: "escape/secret" })).toEqual({
        kind: "read",
        paths: [join(outside, "secret")],
      });
      expect(byName("Write").permissionTarget({ file_path: "new/dir/file.ts", content: "" })).toEqual({
        kind: "edit",
        paths: [join(ws.dir, "new/dir/file.ts")],
      });
      expect(
        byName("Edit").permissionTarget({ file_path: "escape/a", old_string: "", new_string: "" }),
      ).toEqual({
        kind: "edit",
        paths: [join(outside, "a")],
      });
      expect(byName("Grep").permissionTarget({ pattern: "x" })).toEqual({ kind: "read", paths: [ws.dir] });
      expect(byName("Bash").permissionTarget({ command: "npm test" })).toEqual({
        kind: "bash",
        command: "npm test",
      });
      expect(byName("TodoWrite").permissionTarget({ todos: [] })).toEqual({ kind: "none" });
      expect(byName("Bash").summarize({ command: "npm test", description: "Run tests" })).toBe("Run tests");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("marks only the search and read tools read-only", () => {
    const readOnly = createToolRegistry()
      .filter((t) => t.readOnly)
      .map((t) => t.name);
    // WebFetch changes nothing (it runs in parallel) but asks per host: src/permissions/web-rules.ts.
    expect(readOnly).toEqual(["Read", "Glob", "Grep", "LS", "WebFetch"]);
  });
});
