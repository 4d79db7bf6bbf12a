import { ConfigError } from "../config/errors.js";
import { PermissionRuleError } from "../permissions/rule.js";
import { SessionLockedError } from "../session/lock.js";
import { SessionNotFoundError } from "../session/store.js";

/** A usage mistake (a flag, an SDK option): exit code 2, message and fix only. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Mistakes in flags, settings files, permission rules or session ids: exit code 2, message and fix only. */
export function isUsageError(err: unknown): err is Error & { fix?: string } {
  return (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof PermissionRuleError ||
    err instanceof SessionNotFoundError ||
    err instanceof SessionLockedError
  );
}
