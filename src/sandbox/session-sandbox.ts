import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activeTempJournal } from "../tools/temp-journal.js";
import { bwrapArgs } from "./bwrap.js";
import { type LayoutOptions, PROTECTED_IN_WORKSPACE, sandboxEnv, sandboxLayout } from "./layout.js";
import { SANDBOX_MODES, type SandboxMode } from "./mode.js";
import { HOST_FS, planMounts } from "./mounts.js";
import { type ProbeOptions, probeSandbox, type SandboxAvailability } from "./probe.js";
import { sandboxExecArgs, seatbeltProfile } from "./seatbelt.js";
import type { CommandSandbox, SandboxedLaunch } from "./types.js";

/** What a session's sandbox is built from. */
export interface SessionSandboxOptions {
  readonly mode: SandboxMode;
  /** Where the mode came from, for /sandbox ("env QUARRY_SANDBOX"). */
  readonly modeSource?: string;
  /** The workspace and secret locations; the temp dir is the sandbox's own. */
  readonly layout: Omit<LayoutOptions, "tempDir">;
  readonly probe?: ProbeOptions;
}

// A protected name anywhere in a command: such a command is never auto-allowed (see reviewBash).
const PROTECTED_MENTION = new RegExp(
  [...new Set(PROTECTED_IN_WORKSPACE.map((p) => p.split("/")[0]!))]
    .map((name) => `${name.replace(/\./g, "\\.")}(?![\\w-])`)
    .join("|"),
);

/**
 * The session's Bash sandbox: the mode (changeable with /sandbox), whether the OS sandbox can start (probed
 * once per process), and how a command is wrapped. When the sandbox cannot start, the session says why once
 * and Bash falls back to asking — it never runs commands unsandboxed without the user's say.
 */
export class SessionSandbox implements CommandSandbox {
  private mode: SandboxMode;
  private modeSource: string | undefined;
  private availability: SandboxAvailability | undefined;
  private temp: string | undefined;

  private constructor(private readonly options: SessionSandboxOptions) {
    this.mode = options.mode;
    this.modeSource = options.modeSource;
  }

  /** Opens the sandbox; `warning` is set (once per session) when the mode asks for it but it cannot start. */
  static async open(options: SessionSandboxOptions): Promise<{ sandbox: SessionSandbox; warning?: string }> {
    const sandbox = new SessionSandbox(options);
    if (options.mode === "off") return { sandbox };
    const availability = await sandbox.ensureProbed();
    return availability.ok ? { sandbox } : { sandbox, warning: fallbackWarning(availability.reason) };
  }

  /** True when Bash commands run inside the OS sandbox now. */
  get active(): boolean {
    return this.mode !== "off" && this.availability?.ok === true;
  }

  /** The current mode (what the user chose, whether or not the sandbox can start). */
  get currentMode(): SandboxMode {
    return this.mode;
  }

  /** A writable temp directory, the same path inside the sandbox and out; TMPDIR inside. */
  tempDir(): string {
    this.temp ??= mkdtempSync(join(tmpdir(), `quarry-sandbox-${process.pid}-`));
    return this.temp;
  }

  /**
   * The sandbox's say on a Bash call the rules would ask about: in `on` mode it runs without asking, unless it
   * names a protected path; otherwise the reason says that it will run inside the sandbox. Deny rules and
   * plan mode have decided before this is called.
   */
  reviewBash<D extends { behavior: string; reason: string }>(decision: D, command: string): D {
    if (decision.behavior !== "ask" || !this.active) return decision;
    const mentioned = PROTECTED_MENTION.exec(command)?.[0];
    if (mentioned) {
      return {
        ...decision,
        reason: `${decision.reason} (it runs inside the sandbox, but it names the protected path ${mentioned}, so it still asks)`,
      };
    }
    if (this.mode === "on") {
      return {
        ...decision,
        behavior: "allow",
        reason:
          "runs inside the sandbox (writes only in the workspace and temp dirs, no network, no credentials), so it needs no approval",
        ask: undefined,
      };
    }
    return { ...decision, reason: `${decision.reason} (it will run inside the sandbox)` };
  }

  /** Wraps a command for the OS sandbox; call only while `active`. `cleanup` removes placeholders it made. */
  wrap(argv: readonly string[], spawn: { cwd: string; env: NodeJS.ProcessEnv }): SandboxedLaunch {
    const availability = this.availability;
    if (!availability?.ok) throw new Error("the sandbox is not available");
    const layout = sandboxLayout({ ...this.options.layout, tempDir: this.tempDir() });
    const env = { ...sandboxEnv(spawn.env), TMPDIR: this.tempDir(), QUARRY_SANDBOX_ACTIVE: "1" };
    if (availability.kind === "sandbox-exec") {
      const profile = seatbeltProfile(layout, HOST_FS.real);
      return { file: availability.executable, args: sandboxExecArgs(profile, argv), env, cleanup: () => {} };
    }
    const steps = planMounts(layout);
    const stubs: string[] = [];
    for (const step of steps) {
      if (step.op !== "stub") continue;
      // Journalled first, so a kill -9 mid-command still gets the placeholder removed by the next session.
      activeTempJournal()?.note("stub", step.path);
      try {
        mkdirSync(step.path);
        stubs.push(step.path);
      } catch {
        // Created meanwhile (by the user or another session): mounting over it protects it all the same.
      }
    }
    return {
      file: availability.executable,
      args: bwrapArgs(steps, spawn.cwd, argv),
      env,
      cleanup: () => {
        for (const stub of stubs.reverse()) {
          try {
            rmdirSync(stub); // only if still empty
          } catch {
            // Someone put something there from outside: theirs to keep.
          }
        }
      },
    };
  }

  /** What /sandbox prints. */
  status(): string {
    const from = this.modeSource ? ` (from ${this.modeSource})` : "";
    const lines = [`Sandbox: ${this.mode}${from}.`];
    if (this.mode === "off") {
      lines.push("Bash commands run unsandboxed and ask as usual.");
    } else if (!this.availability?.ok) {
      lines.push(
        `Not available: ${this.availability?.reason ?? "not probed yet"} Bash commands ask for permission.`,
      );
    } else {
      lines.push(
        `Bash commands run inside ${this.availability.kind}: writes only in ${this.options.layout.roots.join(", ")} and temp dirs, no network, credential stores hidden, protected paths read-only.`,
        this.mode === "on"
          ? "Commands that would ask run without asking; deny rules still apply, and commands naming a protected path still ask."
          : "Permission prompts are unchanged.",
      );
    }
    lines.push(`Change it for this session with /sandbox ${SANDBOX_MODES.join("|")}.`);
    return lines.join("\n");
  }

  /** Switches the mode for the rest of the session; returns the new status (saying why if it cannot start). */
  async setMode(mode: SandboxMode): Promise<string> {
    this.mode = mode;
    this.modeSource = "/sandbox";
    if (mode !== "off") await this.ensureProbed();
    return this.status();
  }

  /** Removes the sandbox's temp directory. */
  close(): void {
    if (this.temp) rmSync(this.temp, { recursive: true, force: true });
    this.temp = undefined;
  }

  private async ensureProbed(): Promise<SandboxAvailability> {
    this.availability ??= await probeSandbox(this.options.probe);
    return this.availability;
  }
}

function fallbackWarning(reason: string): string {
  return `The Bash sandbox is on but cannot start: ${reason} Bash commands will ask for permission instead (set sandbox to "off" to silence this).`;
}
