import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startEmulator } from "./http/server.js";
import { loadWorldFile } from "./world/load.js";

/**
 * `npm run emulator -- --port 4599 [--world FILE] [--tls]`: prints one line with the URL (and, with --tls, one
 * with the certificate file to trust) and serves until killed.
 * Exits 2 with a message naming the problem for bad flags or a bad world file.
 */
export async function runEmulatorCli(argv: string[]): Promise<void> {
  let port = 4599;
  let worldFile: string | undefined;
  let tls = false;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        world: { type: "string" },
        tls: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(
        "usage: quarry-emulator [--port N] [--world FILE] [--tls]\n  --port 0 picks a free port; the default world is documented in the README.\n  --tls serves HTTPS with a self-signed certificate made at start (its file is printed).\n",
      );
      return;
    }
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be an integer from 0 to 65535 (got "${values.port}")`);
      }
    }
    worldFile = values.world;
    tls = values.tls === true;
  } catch (err) {
    process.stderr.write(`quarry-emulator: ${(err as Error).message}\n`);
    process.exit(2);
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    const world = worldFile ? loadWorldFile(worldFile) : undefined;
    emulator = await startEmulator({ world, port, tls });
  } catch (err) {
    process.stderr.write(`quarry-emulator: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`quarry-emulator listening on ${emulator.url}\n`);
  if (emulator.caPath) {
    process.stdout.write(
      `quarry-emulator certificate: ${emulator.caPath} (trust it with NODE_EXTRA_CA_CERTS or AWS_CA_BUNDLE)\n`,
    );
  }
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

// Run directly (node dist/emulator/main.js), not when imported by the quarry CLI.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await runEmulatorCli(process.argv.slice(2));
}
