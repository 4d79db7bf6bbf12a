import { ConfigError, loadSettings, userConfigDir } from "../config/index.js";
import type { IgnoredSetting } from "../config/project-gate.js";
import { TrustStore, TrustStoreError } from "./store.js";

/** What the trust dialog shows: the folder, and what its settings would enable once trusted. */
export interface TrustQuestion {
  readonly folder: string;
  readonly enables: readonly IgnoredSetting[];
}

/** The user's answer in the trust dialog. */
export type TrustAnswer = "trust" | "untrusted" | "quit";

/**
 * Whether the interactive session should ask before starting: only when the project's own settings would
 * enable something, the folder is not trusted (by flag, env or store), and the user has not chosen
 * "continue untrusted" here before. Problems in the settings are left for the session to report.
 */
export function trustQuestion(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  trustProject?: boolean;
}): TrustQuestion | undefined {
  let project: ReturnType<typeof loadSettings>["project"];
  try {
    project = loadSettings({
      cwd: options.cwd,
      env: options.env,
      home: options.home,
      trustProject: options.trustProject,
    }).project;
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
  if (project === undefined || project.trusted || project.ignored.length === 0) return undefined;
  const store = storeFor(options);
  try {
    if (store.declined(project.folder)) return undefined;
  } catch (err) {
    if (err instanceof TrustStoreError) return undefined; // the session's warnings explain the broken store
    throw err;
  }
  return { folder: project.folder, enables: project.ignored };
}

/** Records the answer: "trust" stores the folder, "untrusted" remembers not to ask again. */
export function recordTrustAnswer(
  answer: TrustAnswer,
  folder: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; home: string },
): void {
  if (answer === "trust") storeFor(options).trust(folder);
  else if (answer === "untrusted") storeFor(options).decline(folder);
}

function storeFor(options: { cwd: string; env: NodeJS.ProcessEnv; home: string }): TrustStore {
  return new TrustStore(userConfigDir(options.env, options.home, options.cwd).value);
}
