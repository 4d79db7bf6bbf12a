import { Box, type Key, Static, Text, useApp, useInput, useStdout } from "ink";
import { useCallback, useRef, useState, useSyncExternalStore } from "react";
import type { SessionInfo, TuiBackend } from "./backend.js";
import { compactNumber, dollars } from "./format.js";
import type { PromptHistory } from "./history.js";
import { ItemView } from "./ItemView.js";
import { PermissionDialog } from "./PermissionDialog.js";
import { PromptInput } from "./PromptInput.js";
import { Spinner } from "./Spinner.js";
import { StatusLine } from "./StatusLine.js";
import { helpText, INIT_PROMPT, parseSlash } from "./slash.js";
import { applyEvent, INITIAL_STATE, type NewItem, push, startTurn, type ViewState } from "./state.js";

/** Two Ctrl-C presses on an empty prompt within this window exit. */
const DOUBLE_CTRL_C_MS = 2000;
const CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H";

export interface AppProps {
  backend: TuiBackend;
  history: PromptHistory;
  /** Shown once at the top: version line, simulation banner, start-up warnings. */
  intro?: NewItem[];
  /** The project's files for `@path` completion in the prompt. */
  listFiles?(): Promise<string[]>;
}

/** The interactive session: transcript (static once finished), live turn, dialog or prompt, status line. */
export function App({ backend, history, intro = [], listFiles }: AppProps) {
  const { exit } = useApp();
  const { write } = useStdout();
  const [view, setView] = useState<ViewState>(() => intro.reduce(push, INITIAL_STATE));
  const [info, setInfo] = useState<SessionInfo>(() => backend.info());
  const [started, setStarted] = useState(0);
  const [hint, setHint] = useState("");
  // <Static> remembers how many items it printed; a new key makes it start over after /clear.
  const [epoch, setEpoch] = useState(0);
  const lastCtrlC = useRef(0);
  const busy = useRef(false);
  const question = useSyncExternalStore(
    (l) => backend.permissions.subscribe(l),
    () => backend.permissions.current(),
  );

  const note = useCallback((item: NewItem) => setView((s) => push(s, item)), []);
  const fail = useCallback(
    (err: unknown) => {
      const fix = (err as { fix?: unknown }).fix;
      note({
        kind: "error",
        message: err instanceof Error ? err.message : String(err),
        fix: typeof fix === "string" ? fix : undefined,
      });
    },
    [note],
  );

  const runTurn = useCallback(
    async (shown: string, prompt: string) => {
      busy.current = true;
      setStarted(Date.now());
      setView((s) => startTurn(s, shown));
      try {
        for await (const event of backend.run(prompt)) setView((s) => applyEvent(s, event));
      } catch (err) {
        // The agent never throws; this guards the UI against a broken backend all the same.
        setView((s) => ({ ...s, running: false }));
        fail(err);
      } finally {
        busy.current = false;
      }
    },
    [backend, fail],
  );

  /** Runs a slash command's async work with the spinner showing, reporting failures as error panels. */
  const task = useCallback(
    async (label: string, work: () => Promise<void>) => {
      busy.current = true;
      setStarted(Date.now());
      setView((s) => ({ ...s, running: true, activity: label }));
      try {
        await work();
      } catch (err) {
        fail(err);
      } finally {
        busy.current = false;
        setView((s) => ({ ...s, running: false, activity: "" }));
      }
    },
    [fail],
  );

  const clearScreen = useCallback(() => write(CLEAR_SCREEN), [write]);

  const submit = (text: string) => {
    if (busy.current) {
      setHint("A turn is running: wait for it, or press Esc to cancel it.");
      return;
    }
    setHint("");
    const slash = parseSlash(text);
    if (!slash) return void runTurn(text, text);
    if (!slash.known) return note({ kind: "warning", text: `Unknown command /${slash.name}. Try /help.` });
    note({ kind: "user", text });
    switch (slash.name) {
      case "help":
        return note({ kind: "info", text: helpText() });
      case "exit":
        return exit();
      case "cost": {
        const t = view.totals;
        return note({
          kind: "info",
          text: `This session: ${compactNumber(t.inputTokens)} input tokens, ${compactNumber(t.outputTokens)} output tokens, ${dollars(t.costUsd)}.`,
        });
      }
      case "clear":
        return void task("starting a new conversation", async () => {
          const next = await backend.clear();
          clearScreen();
          setInfo(next);
          setEpoch((e) => e + 1);
          setView({ ...INITIAL_STATE, totals: view.totals });
        });
      case "model":
        return void task(slash.arg ? `checking ${slash.arg}` : "listing models", async () => {
          if (!slash.arg) return note({ kind: "info", text: await backend.models() });
          const next = await backend.switchModel(slash.arg);
          setInfo(next);
          note({ kind: "info", text: `Model: ${next.model} (${next.region}). The conversation continues.` });
        });
      case "compact":
        return void task("compacting the conversation", async () => {
          for await (const event of backend.compact()) setView((s) => applyEvent(s, event));
        });
      case "doctor":
        return void task("running doctor", async () => note({ kind: "info", text: await backend.doctor() }));
      case "resume":
        return void task("resuming", async () => {
          const next = await backend.resume(slash.arg || undefined);
          setInfo(next);
          note({ kind: "info", text: `Resumed session ${next.sessionId}.` });
        });
      case "init":
        return void runTurn("/init", INIT_PROMPT);
      case "sandbox":
        return void task("checking the sandbox", async () =>
          note({ kind: "info", text: await backend.sandbox(slash.arg) }),
        );
    }
  };

  const cancel = () => {
    backend.permissions.denyAll("The user cancelled the turn.");
    backend.cancel();
  };

  /** Keys the prompt passes up before editing: cancel, exit, clear screen. */
  const onKey = (input: string, key: Key, empty: boolean): boolean => {
    if (hint && !(key.ctrl && input === "c")) setHint("");
    if (key.ctrl && input === "l") {
      clearScreen();
      return true;
    }
    if (key.escape) {
      if (busy.current) cancel();
      return true;
    }
    if (key.ctrl && input === "c") {
      if (busy.current) {
        cancel();
        return false;
      }
      if (!empty) return true; // the prompt clears itself
      const now = Date.now();
      if (now - lastCtrlC.current < DOUBLE_CTRL_C_MS) exit();
      else setHint("Press Ctrl-C again to exit.");
      lastCtrlC.current = now;
      return true;
    }
    return false;
  };

  // While the dialog has the keyboard, Ctrl-C still cancels the whole turn.
  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") cancel();
    },
    { isActive: Boolean(question) },
  );

  return (
    <Box flexDirection="column">
      <Static key={epoch} items={view.done}>
        {(item) => <ItemView key={item.id} item={item} />}
      </Static>
      {view.live.map((item) => (
        <ItemView key={item.id} item={item} />
      ))}
      <Box marginTop={1} flexDirection="column">
        {question ? (
          <PermissionDialog prompt={question} onAnswer={(c) => backend.permissions.answer(c)} />
        ) : (
          view.running && <Spinner since={started} label={view.activity} />
        )}
        <PromptInput
          history={history}
          onSubmit={submit}
          onKey={onKey}
          active={!question}
          listFiles={listFiles}
          placeholder={view.done.length + view.live.length <= 3 ? "Ask Quarry to do something · /help" : ""}
        />
        {hint ? <Text dimColor>{hint}</Text> : <StatusLine info={info} totals={view.totals} />}
      </Box>
    </Box>
  );
}
