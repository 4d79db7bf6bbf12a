// Module hooks that print every resolved module URL to stderr, so a test can see what a command imports.
import { writeSync } from "node:fs";

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, `[import] ${result.url}\n`);
  return result;
}
