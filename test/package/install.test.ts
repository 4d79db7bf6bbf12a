// The package as users get it: `npm pack`, `npm install -g` into an empty prefix with no network and no
// dependencies, then the installed `quarry` run from outside the checkout. Slow (a pack and an install), so it
// is the one test of its kind in the suite; it needs `npm run build` first (npm test does that).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index.js";
import { runQuarryProcess } from "../support/run-cli.js";

const root = new URL("../..", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "quarry-package-"));
const prefix = join(scratch, "prefix");
const installed = join(prefix, "lib", "node_modules", "quarry");
const bin = join(prefix, "bin", "quarry");
// Only what a fresh machine has: node on PATH and an empty HOME.
const home = join(scratch, "home");
const bare = (): NodeJS.ProcessEnv => ({ PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home });

beforeAll(() => {
  if (!existsSync(join(root, "dist/bundle/quarry.mjs")))
    throw new Error("dist/bundle is missing: run `npm run build` (it bundles) before this test");
  mkdirSync(home, { recursive: true });
  // --ignore-scripts: pack what `npm run build` made instead of building again inside the test.
  const tgz = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error" },
  })
    .trim()
    .split("\n")
    .at(-1) as string;
  // --offline: the package must install from the tarball alone; a runtime dependency would fail here.
  execFileSync(
    "npm",
    ["install", "-g", join(scratch, tgz), "--prefix", prefix, "--offline", "--no-audit", "--no-fund"],
    { cwd: scratch, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } },
  );
}, 90_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the packed package, installed globally", () => {
  it("ships the bundle and nothing to install: no node_modules, no dist/src JavaScript", () => {
    expect(existsSync(join(installed, "node_modules"))).toBe(false);
    expect(existsSync(join(installed, "dist/bundle/quarry.mjs"))).toBe(true);
    expect(existsSync(join(installed, "dist/bundle/tree-sitter-bash.wasm"))).toBe(true);
    expect(existsSync(join(installed, "dist/src/cli/main.js"))).toBe(false);
    expect(readdirSync(join(installed, "dist/src/sdk"))).toContain("index.d.ts");
  });

  it("prints its version from outside the checkout", async () => {
    const run = await runQuarryProcess(["--version"], { cwd: home, env: bare(), bin });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.code).toBe(0);
  });

  it("runs a simulated -p turn, Bash analysis (the bundled wasm grammar) included", async () => {
    const run = await runQuarryProcess(["-p", "--simulate", "create a file"], {
      cwd: home,
      env: bare(),
      bin,
    });
    expect(run.stderr).toContain("SIMULATION");
    expect(run.stdout).toContain("Simulation finished");
    expect(run.stderr).not.toContain("shell analyser could not be loaded");
    expect(run.code).toBe(0);
  });

  describe("against the emulator", () => {
    let emulator: RunningEmulator;
    beforeAll(async () => {
      // "run echo" gets a Bash call, its result a short answer; every other prompt the default echo reply.
      const world = defaultWorld();
      world.script = [
        {
          model: "sonnet",
          promptIncludes: "run echo",
          reply: {
            content: [{ type: "tool_use", name: "Bash", input: { command: "echo packaged-bash-ran" } }],
          },
        },
        {
          model: "sonnet",
          promptIncludes: "packaged-bash-ran",
          reply: { content: [{ type: "text", text: "ok" }] },
        },
      ];
      emulator = await startEmulator({ world });
    });
    afterAll(() => emulator.close());

    it("`quarry doctor --json` passes, and a real -p turn reaches the model", async () => {
      const env = { ...emulatorClientEnv(emulator.url, home), PATH: bare().PATH };
      const doctor = await runQuarryProcess(["doctor", "--json"], { cwd: home, env, bin });
      const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
      expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
      expect(doctor.code).toBe(0);
      const turn = await runQuarryProcess(["-p", "hello from the package"], { cwd: home, env, bin });
      expect(turn.code).toBe(0);
      expect(turn.stdout).toContain("hello from the package");
    });

    it("matches a Bash allow rule: the bundled grammar parsed the command, so it ran without asking", async () => {
      const env = { ...emulatorClientEnv(emulator.url, home), PATH: bare().PATH };
      const run = await runQuarryProcess(["-p", "run echo", "--allowedTools", "Bash(echo:*)"], {
        cwd: home,
        env,
        bin,
      });
      expect(run.stderr).not.toContain("denied");
      expect(run.code).toBe(0);
      const results = emulator.log.filter((e) => e.operation === "invoke-with-response-stream").at(-1);
      expect(JSON.stringify(results?.body)).toContain("packaged-bash-ran");
    }, 60_000);
  });

  it('exports the SDK: import { query } from "quarry" in a project that installed it', () => {
    const project = join(scratch, "consumer");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    writeFileSync(join(project, "package.json"), '{"type":"module"}\n');
    symlinkSync(installed, join(project, "node_modules", "quarry"));
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'import { query } from "quarry"; console.log(typeof query)'],
      { cwd: project, encoding: "utf8", env: bare() },
    );
    expect(out.trim()).toBe("function");
  });

  it("its types compile in a strict TypeScript project with only @types/node beside it", () => {
    const project = join(scratch, "typed-consumer");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    writeFileSync(join(project, "package.json"), '{"type":"module"}\n');
    symlinkSync(installed, join(project, "node_modules", "quarry"));
    // A Node project's usual @types/node (and what it needs), nothing else: not zod, not commander, not the
    // AWS SDK. skipLibCheck off makes tsc check every declaration file the package ships and reaches.
    mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
    symlinkSync(
      join(root, "node_modules", "@types", "node"),
      join(project, "node_modules", "@types", "node"),
    );
    symlinkSync(join(root, "node_modules", "undici-types"), join(project, "node_modules", "undici-types"));
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022"],
          types: ["node"],
        },
        files: ["main.ts"],
      }),
    );
    writeFileSync(
      join(project, "main.ts"),
      [
        'import { query, type SDKMessage, type SDKResultMessage } from "quarry";',
        "export async function answer(prompt: string): Promise<string | undefined> {",
        '  for await (const message of query({ prompt, options: { maxTurns: 3, allowedTools: ["Read"] } })) {',
        "    const m: SDKMessage = message;",
        '    if (m.type === "result") {',
        "      const r: SDKResultMessage = m;",
        '      return r.subtype === "success" ? r.result : undefined;',
        "    }",
        "  }",
        "  return undefined;",
        "}",
        "",
      ].join("\n"),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", project], { cwd: project, encoding: "utf8", env: bare() });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  }, 60_000);
});
