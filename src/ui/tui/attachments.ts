import { closeSync, openSync, readSync, statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";

/** Characters of one attached file sent to the model; the rest is cut with a note (the model can Read it). */
export const MAX_ATTACH_CHARS = 100_000;
/** Bytes read from a file at most: enough for MAX_ATTACH_CHARS of UTF-8 text. */
const MAX_READ_BYTES = MAX_ATTACH_CHARS * 4;
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp"]);

export interface AttachOptions {
  /** Where relative `@paths` start (the folder Quarry runs in). */
  cwd: string;
  /** The permission policy's verdict for reading a path: a denied file (`.env`, a deny rule) is not attached. */
  readable(absPath: string): boolean;
  maxChars?: number;
}

export interface Attached {
  /** What the model receives: the prompt as typed, then each file in a `<file>` block. */
  prompt: string;
  /** The files attached, as typed. */
  files: string[];
  /** One line per `@path` not attached (or cut), shown to the user. */
  notes: string[];
}

/** `@word`s in the prompt, with trailing punctuation (`@a.ts,`) left off. */
export function atMentions(prompt: string): string[] {
  const found = new Set<string>();
  for (const m of prompt.matchAll(/(?:^|\s)@(\S+)/g)) found.add(m[1]!.replace(/[,.;:!?)\]]+$/, ""));
  return [...found].filter(Boolean);
}

/**
 * Claude Code's `@file`: every mentioned file that exists is read and appended to the prompt, so the model
 * sees it without a Read call. Words that are not files (`@someone`) are left alone; folders and images are
 * not attached (images need image blocks in the user message, which prompts do not carry yet).
 */
export function attachFiles(prompt: string, o: AttachOptions): Attached {
  const max = o.maxChars ?? MAX_ATTACH_CHARS;
  const blocks: string[] = [];
  const files: string[] = [];
  const notes: string[] = [];
  for (const mention of atMentions(prompt)) {
    const abs = isAbsolute(mention) ? mention : resolve(o.cwd, mention);
    let size: number;
    try {
      const st = statSync(abs);
      if (st.isDirectory()) {
        notes.push(`@${mention} is a folder: not attached (name a file, or ask the model to look inside).`);
        continue;
      }
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // not a file: an ordinary word that starts with @
    }
    if (IMAGE_EXTENSIONS.has(extname(abs).toLowerCase())) {
      notes.push(`@${mention} is an image: not attached (images in prompts are not supported yet).`);
      continue;
    }
    if (!o.readable(abs)) {
      notes.push(`@${mention} not attached: the permission rules do not allow reading it.`);
      continue;
    }
    const bytes = readHead(abs, Math.min(size, MAX_READ_BYTES));
    if (bytes.includes(0)) {
      notes.push(`@${mention} looks binary: not attached.`);
      continue;
    }
    let text = bytes.toString("utf8");
    if (text.length > max || size > MAX_READ_BYTES) {
      text = text.slice(0, max);
      notes.push(`@${mention} is large: attached its first ${max.toLocaleString("en")} characters.`);
      text += `\n[… cut: the file has ${size.toLocaleString("en")} bytes; Read it for the rest]`;
    }
    blocks.push(`<file path="${mention}">\n${text.replace(/\n$/, "")}\n</file>`);
    files.push(mention);
  }
  return { prompt: blocks.length ? `${prompt}\n\n${blocks.join("\n\n")}` : prompt, files, notes };
}

function readHead(path: string, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
