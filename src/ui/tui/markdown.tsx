import { Box, Text } from "ink";
import { marked, type Token, type Tokens } from "marked";
import { type ReactNode, useContext } from "react";
import stringWidth from "string-width";
import { highlightCode } from "./highlight.js";
import { C, ColorContext } from "./theme.js";

/**
 * Markdown as the model writes it, parsed by marked's lexer: headings, lists, quotes, rules, fenced code
 * (syntax-highlighted once the highlighter has loaded), tables drawn as box tables, and inline `code`,
 * **bold**, *italic* and links. Raw HTML shows as written.
 */
export function Markdown({ text }: { text: string }) {
  const tokens = marked.lexer(text, { gfm: true });
  return <Box flexDirection="column">{blocks(tokens)}</Box>;
}

function blocks(tokens: readonly Token[]): ReactNode[] {
  return (
    tokens
      .filter((t) => t.type !== "space" && t.type !== "def")
      // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity beyond their position
      .map((t, i) => <Block key={i} token={t} />)
  );
}

function Block({ token }: { token: Token }) {
  switch (token.type) {
    case "heading":
      return (
        <Text bold>
          <Inline tokens={(token as Tokens.Heading).tokens} />
        </Text>
      );
    case "paragraph":
      return (
        <Text>
          <Inline tokens={(token as Tokens.Paragraph).tokens} />
        </Text>
      );
    case "code": {
      const t = token as Tokens.Code;
      return <CodeBlock code={t.text} lang={t.lang?.split(/\s/)[0]} />;
    }
    case "list":
      return <List list={token as Tokens.List} />;
    case "blockquote":
      return (
        <Box paddingLeft={2} flexDirection="column">
          {blocks((token as Tokens.Blockquote).tokens)}
        </Box>
      );
    case "hr":
      return <Text dimColor>{"─".repeat(40)}</Text>;
    case "table":
      return <TableView table={token as Tokens.Table} />;
    case "text": {
      const t = token as Tokens.Text;
      return <Text>{t.tokens ? <Inline tokens={t.tokens} /> : t.text}</Text>;
    }
    default:
      return <Text>{token.raw.replace(/\n+$/, "")}</Text>;
  }
}

function CodeBlock({ code, lang }: { code: string; lang?: string }) {
  const color = useContext(ColorContext);
  const highlighted = color ? highlightCode(code, lang) : undefined;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {highlighted !== undefined ? <Text>{highlighted}</Text> : <C color="cyan">{code || " "}</C>}
    </Box>
  );
}

function List({ list }: { list: Tokens.List }) {
  const start = typeof list.start === "number" ? list.start : 1;
  return (
    <Box flexDirection="column">
      {list.items.map((item, i) => {
        const mark = item.task ? (item.checked ? "☒" : "☐") : list.ordered ? `${start + i}.` : "•";
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: list items are positional
          <Box key={i}>
            <Text>{`${mark} `}</Text>
            <Box flexDirection="column">{blocks(item.tokens.filter((t) => t.type !== "checkbox"))}</Box>
          </Box>
        );
      })}
    </Box>
  );
}

/** Inline spans: bold, italic, code, links (text then the address), line breaks. */
function Inline({ tokens }: { tokens: readonly Token[] }) {
  return (
    <>
      {tokens.map((t, i) => {
        switch (t.type) {
          case "strong":
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
              <Text key={i} bold>
                <Inline tokens={(t as Tokens.Strong).tokens} />
              </Text>
            );
          case "em":
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
              <Text key={i} italic>
                <Inline tokens={(t as Tokens.Em).tokens} />
              </Text>
            );
          case "codespan":
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
              <C key={i} color="cyan">
                {decodeEntities((t as Tokens.Codespan).text)}
              </C>
            );
          case "del":
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
              <Text key={i} strikethrough>
                <Inline tokens={(t as Tokens.Del).tokens} />
              </Text>
            );
          case "link": {
            const l = t as Tokens.Link;
            const label = plain(l.tokens);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
              <Text key={i}>
                <C color="blue">{label}</C>
                {label !== l.href ? <Text dimColor>{` (${l.href})`}</Text> : null}
              </Text>
            );
          }
          case "br":
            return "\n";
          case "text": {
            const tt = t as Tokens.Text;
            // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
            return tt.tokens ? <Inline key={i} tokens={tt.tokens} /> : decodeEntities(tt.text);
          }
          default:
            return decodeEntities((t as { text?: string }).text ?? t.raw);
        }
      })}
    </>
  );
}

// marked escapes &, <, > and quotes in text tokens (it targets HTML); a terminal wants the characters.
function decodeEntities(s: string): string {
  return s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** The text of inline tokens without styling (table cells, link labels). */
function plain(tokens: readonly Token[] | undefined): string {
  return (tokens ?? [])
    .map((t) => {
      const inner = (t as { tokens?: Token[] }).tokens;
      if (inner?.length) return plain(inner);
      return decodeEntities((t as { text?: string }).text ?? t.raw);
    })
    .join("");
}

/** A GFM table as a box table; cells are plain text, aligned as the delimiter row says. */
function TableView({ table }: { table: Tokens.Table }) {
  const lines = boxTable(
    table.header.map((c) => plain(c.tokens)),
    table.rows.map((r) => r.map((c) => plain(c.tokens))),
    table.align,
  );
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: table lines are positional
        <Text key={i} bold={i === 1} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}

/** Draws the table with box characters: top rule, header, rule, rows, bottom rule. */
export function boxTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("left" | "center" | "right" | null)[] = [],
): string[] {
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ""))));
  const pad = (s: string, i: number) => {
    const gap = widths[i]! - stringWidth(s);
    if (align[i] === "right") return " ".repeat(gap) + s;
    if (align[i] === "center") return " ".repeat(Math.floor(gap / 2)) + s + " ".repeat(Math.ceil(gap / 2));
    return s + " ".repeat(gap);
  };
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells: readonly string[]) => `│ ${widths.map((_, i) => pad(cells[i] ?? "", i)).join(" │ ")} │`;
  return [rule("┌", "┬", "┐"), row(header), rule("├", "┼", "┤"), ...rows.map(row), rule("└", "┴", "┘")];
}
