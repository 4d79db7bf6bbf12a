import type { SettingSource } from "./sources.js";

/** Where a configuration problem sits and what to do about it. */
export interface ConfigErrorDetails {
  /** The next step for the user, as a sentence or a command line. */
  readonly fix: string;
  /** Absolute path of the settings file at fault, when the problem is in a file. */
  readonly path?: string;
  /** 1-based line in `path`. */
  readonly line?: number;
  /** 1-based column in `path`. */
  readonly column?: number;
  /** The setting's key (`maxOutputTokens`, `permissions.allow[2]`), when the problem is one value. */
  readonly key?: string;
  /** The flag, env var or file key the bad value came from. */
  readonly source?: SettingSource;
}

/** A configuration problem the user must fix before Quarry can run; the message names where it is. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly fix: string;
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly key: string | undefined;
  readonly source: SettingSource | undefined;

  constructor(message: string, details: ConfigErrorDetails) {
    super(message);
    this.fix = details.fix;
    this.path = details.path;
    this.line = details.line;
    this.column = details.column;
    this.key = details.key;
    this.source = details.source;
  }
}
