import { homedir } from "node:os";
import { SecretRegistry } from "./registry.js";
import { addAwsFileSecrets, addEnvSecrets } from "./sources.js";

/**
 * The registry a session starts with: credential-named env values (this process's and the session's own env)
 * and the AWS shared files and caches. Credentials resolved later (the SDK chain, settings, MCP/OAuth tokens)
 * are added to it with `add` as they appear.
 */
export async function createSessionSecrets(
  options: { env?: NodeJS.ProcessEnv; home?: string } = {},
): Promise<SecretRegistry> {
  const env = { ...process.env, ...options.env };
  const registry = new SecretRegistry();
  addEnvSecrets(registry, env);
  await addAwsFileSecrets(registry, { env, home: options.home ?? env.HOME ?? homedir() });
  return registry;
}
