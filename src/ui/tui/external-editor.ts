import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `$VISUAL`, else `$EDITOR`; undefined when neither is set. */
export function editorCommand(env: NodeJS.ProcessEnv): string | undefined {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || undefined;
}

/**
 * Runs the editor on `file` in the foreground, as git does: through `sh -c '<editor> "$@"'`, so an editor
 * given with arguments (`code --wait`) works without Quarry parsing shell words. Blocks until it exits.
 */
export function runEditorOn(editor: string, file: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync("sh", ["-c", `${editor} "$@"`, editor, file], { stdio: "inherit", env });
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw Object.assign(new Error(`The editor (${editor}) exited with status ${r.status}.`), {
      fix: "The prompt is unchanged. Check $VISUAL / $EDITOR.",
    });
}

/** Ctrl-G: the prompt in a temp file, edited, read back (one trailing newline, which editors add, removed). */
export function editText(text: string, editor: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(tmpdir(), "quarry-prompt-"));
  const file = join(dir, "prompt.md");
  try {
    writeFileSync(file, text, { mode: 0o600 });
    runEditorOn(editor, file, env);
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
