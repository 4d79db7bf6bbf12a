import type { Command } from "commander";
import type { PrintOptions } from "../options.js";

/** Registers `quarry mcp add | add-json | list | get | remove` (docs/mcp.md#commands); loaded lazily. */
export function registerMcpCommands(program: Command, setExitCode: (code: number) => void): void {
  const mcp = program.command("mcp").description("configure MCP servers (Claude Code's mcp commands)");
  const run = (fn: (m: typeof import("../../mcp/commands.js")) => number) => async () => {
    const m = await import("../../mcp/commands.js");
    setExitCode(fn(m));
  };
  const scope = [
    "-s, --scope <scope>",
    "where to write it: local (default), project (.mcp.json) or user",
  ] as const;
  mcp
    .command("add")
    .description("add a server: quarry mcp add NAME -- COMMAND [ARGS…], or --transport http NAME URL")
    .argument("<name>", "server name (its tools become mcp__NAME__…)")
    .argument("<commandOrUrl>", "the command to run, or the server's URL for http/sse")
    .argument("[args...]", "arguments for the command")
    .option(...scope)
    .option("-t, --transport <transport>", "stdio (default), http or sse")
    .option("-e, --env <KEY=value...>", "environment for a stdio server")
    .option("-H, --header <header...>", 'HTTP header for a remote server, as "Name: value"')
    .action((name: string, target: string, args: string[], opts: Record<string, unknown>) =>
      run((m) => m.mcpAdd(name, target, args, opts))(),
    );
  mcp
    .command("add-json")
    .description("add a server from its JSON config")
    .argument("<name>", "server name")
    .argument("<json>", '{"command": "…", "args": []} or {"type": "http", "url": "…"}')
    .option(...scope)
    .action((name: string, json: string, opts: Record<string, unknown>) =>
      run((m) => m.mcpAddJson(name, json, opts))(),
    );
  mcp
    .command("list")
    .description("list configured servers with their scope (no server is started)")
    .action(() => run((m) => m.mcpList())());
  mcp
    .command("get")
    .description("show one server's config and where it is declared")
    .argument("<name>", "server name")
    .action((name: string) => run((m) => m.mcpGet(name))());
  mcp
    .command("remove")
    .description("remove a server")
    .argument("<name>", "server name")
    .option("-s, --scope <scope>", "only from this scope: local, project or user")
    .action((name: string, opts: Record<string, unknown>) => run((m) => m.mcpRemove(name, opts))());
  mcp
    .command("auth")
    .description("sign in to a remote (http/sse) server with OAuth; --logout forgets the sign-in")
    .argument("<name>", "server name")
    .option("--logout", "remove the stored sign-in")
    .action(async (name: string, opts: Record<string, unknown>) => {
      const m = await import("../../mcp/commands.js");
      setExitCode(await m.mcpAuth(name, opts));
    });
  mcp
    .command("serve")
    .description("serve Quarry's tools to another MCP client over stdio (permission rules and hooks apply)")
    .option("--permission-mode <mode>", "default, acceptEdits, plan or bypassPermissions")
    .option("--allowedTools <tools...>", 'rules that run without asking, e.g. "Read" "Bash(npm test:*)"')
    .option("--disallowedTools <tools...>", "rules that are always refused")
    .option("--trust-project", "trust this folder's settings for this run")
    .action(async (opts: PrintOptions) => {
      const [{ serveMcp }, { sessionConfigFromFlags }, { readPackageVersion }] = await Promise.all([
        import("../../mcp/serve.js"),
        import("../session-flags.js"),
        import("../version.js"),
      ]);
      await serveMcp(sessionConfigFromFlags(opts, { cwd: process.cwd() }), readPackageVersion());
    });
}
