/** The key map `?` (on an empty prompt) and `/help` show; README's key table is copied from it. */
export const KEY_LINES: readonly (readonly [string, string])[] = [
  ["Enter", "send (while a turn runs: queue it, sent next)"],
  ["\\ then Enter", "new line"],
  ["↑ / ↓", "history (↑ on an empty prompt takes back a queued prompt)"],
  ["Tab", "complete @path or the highlighted /command"],
  ["/", "command menu: type to filter, ↑/↓ choose, Enter runs"],
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
