/** The key map `?` (on an empty prompt) and `/help` show; README's key table is copied from it. */
export const KEY_LINES: readonly (readonly [string, string])[] = [
  ["Enter", "send (while a turn runs: queue it, sent next)"],
  ["\\ then Enter", "new line"],
  ["↑ / ↓", "history (↑ on an empty prompt takes back a queued prompt)"],
  ["Ctrl-R", "search the history (again: older match; Enter takes it)"],
  ["Tab", "pick the highlighted @file or /command"],
  ["/", "command menu (built-in and custom): type to filter, ↑/↓ choose, Enter runs"],
  ["@", "file picker: type to filter; the file is attached when sent"],
  ["! at the start", "run a shell command (its output goes to the model with your next prompt)"],
  ["# at the start", "add a note to a memory file (project or user)"],
  ["Ctrl-G", "edit the prompt in $VISUAL / $EDITOR"],
  ["Ctrl-O", "show tool output in full / folded again"],
  ["Shift+Tab", "cycle mode: default → accept edits → plan"],
  ["Esc", "stop the running turn (also in a permission dialog)"],
  ["Esc Esc", "clear the prompt"],
  ["Ctrl-C", "stop the turn / clear the prompt; twice to exit"],
  ["Ctrl-A / Ctrl-E", "start / end of line"],
  ["Alt-B / Alt-F", "word left / right (also Alt-← / Alt-→)"],
  ["Ctrl-B / Ctrl-F", "character left / right"],
  ["Ctrl-W", "delete the word before the cursor"],
  ["Ctrl-U / Ctrl-K", "delete to start / end of line"],
  ["Ctrl-Y", "paste what Ctrl-W/U/K deleted"],
  ["Ctrl-D", "delete the character under the cursor"],
  ["Ctrl-L", "clear the screen"],
  ["?", "this key map (on an empty prompt)"],
];

/** The key map as text, one key a line. */
export const KEY_MAP = [
  "Keys:",
  ...KEY_LINES.map(([k, what]) => `  ${k.padEnd(Math.max(...KEY_LINES.map(([x]) => x.length)) + 2)}${what}`),
].join("\n");
