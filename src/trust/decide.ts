import { isTruthyEnv } from "../config/env-names.js";
import { TrustStore, TrustStoreError } from "./store.js";

/** The env var that trusts the project for one run (CI on the user's own repository). */
export const TRUST_PROJECT_ENV = "QUARRY_TRUST_PROJECT";
/** The flag that does the same. */
export const TRUST_PROJECT_FLAG = "--trust-project";

/** Whether a project folder's own settings may widen what Quarry does, and what said so. */
export interface ProjectTrust {
  readonly trusted: boolean;
  /** What trusted it: the flag, the env var, or the trust store entry (a folder at or above the project). */
  readonly by?: { kind: "flag" } | { kind: "env" } | { kind: "store"; folder: string };
  /** A problem reading the trust store (then nothing is trusted from it). */
  readonly problem?: string;
}

/** Inputs of decideProjectTrust. */
export interface TrustInputs {
  /** The folder whose `.quarry/` holds the project settings. */
  readonly folder: string;
  /** Quarry's user config dir, where the trust store lives. */
  readonly configDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--trust-project` was given. */
  readonly flag?: boolean;
}

/** Flag, then env, then the trust store; never prompts (the TUI asks before this, see src/trust/dialog-gate.ts). */
export function decideProjectTrust(inputs: TrustInputs): ProjectTrust {
  if (inputs.flag === true) return { trusted: true, by: { kind: "flag" } };
  if (isTruthyEnv(inputs.env[TRUST_PROJECT_ENV])) return { trusted: true, by: { kind: "env" } };
  try {
    const entry = new TrustStore(inputs.configDir).trustedBy(inputs.folder);
    return entry ? { trusted: true, by: { kind: "store", folder: entry.path } } : { trusted: false };
  } catch (err) {
    if (!(err instanceof TrustStoreError)) throw err;
    return { trusted: false, problem: `${err.message}; no folder is trusted until it is fixed. ${err.fix}` };
  }
}

/** The sentence every "ignored" line ends with: how to make the folder's settings apply. */
export function howToTrust(folder: string): string {
  return `trust the folder with \`quarry trust ${shellWord(folder)}\` (or ${TRUST_PROJECT_FLAG} / ${TRUST_PROJECT_ENV}=1 for one run)`;
}

function shellWord(text: string): string {
  return /^[\w./~@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
