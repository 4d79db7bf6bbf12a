import { homedir } from "node:os";
import { agentsFor, agentsReport } from "../../agents/report.js";
import { ConfigError, loadSettings } from "../../config/index.js";

/** Where `quarry agents` reads and writes; injectable so tests can run it in-process. */
export interface AgentsCommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  out(text: string): void;
  err(text: string): void;
}

const processIo = (): AgentsCommandIo => ({
  cwd: process.cwd(),
  env: process.env,
  home: homedir(),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});

/**
 * `quarry agents`: the subagents the Agent tool can run here (docs/extensibility.md#subagents) — name, source
 * file, model, tools — and, on stderr, what was left out (an untrusted folder's agents, unreadable files).
 */
export async function runAgentsCommand(
  options: { trustProject?: boolean },
  io: AgentsCommandIo = processIo(),
): Promise<number> {
  try {
    const settings = loadSettings({
      cwd: io.cwd,
      env: io.env,
      home: io.home,
      trustProject: options.trustProject,
    });
    const catalog = agentsFor({
      settings,
      cwd: io.cwd,
      env: io.env,
      home: io.home,
      trustProject: options.trustProject,
    });
    for (const w of catalog.warnings) io.err(`quarry: warning: ${w}`);
    io.out(agentsReport(catalog.agents, { cwd: io.cwd, home: io.home }));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`quarry agents: ${err.message}`);
    io.err(`  Fix: ${err.fix}`);
    return 2;
  }
}
