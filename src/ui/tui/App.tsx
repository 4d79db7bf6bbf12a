import { Box, type Key, Static, Text, useApp, useInput, useStdin, useStdout } from "ink";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { attachFiles } from "./attachments.js";
import type { PastSession, PermissionChoice, SessionInfo, TuiBackend } from "./backend.js";
import { type Choice, ChoiceDialog } from "./ChoiceDialog.js";
import { contextReport } from "./context-bar.js";
import { conversationItems } from "./conversation.js";
import { editorCommand, editText, runEditorOn } from "./external-editor.js";
import { hasCodeFence, loadHighlighter } from "./highlight.js";
import type { PromptHistory } from "./history.js";
import { ItemView } from "./ItemView.js";
import { KEY_MAP } from "./keymap.js";
import { appendMemoryNote } from "./memory-note.js";
import { nextMode } from "./modes.js";
import { presentEvent } from "./notices.js";
import { type NotifyReason, notificationSequence, shouldNotify } from "./notify.js";
import { PermissionDialog } from "./PermissionDialog.js";
import { type PromptHandle, PromptInput } from "./PromptInput.js";
import { bashContext, promptMode, withShellContext } from "./prompt-modes.js";
import { QueuedPrompts } from "./QueuedPrompts.js";
import { costReport, resumeHint } from "./reports.js";
import { SessionPicker } from "./SessionPicker.js";
import { Spinner } from "./Spinner.js";
import { ModeLine, StatusLine } from "./StatusLine.js";
import { helpText, INIT_PROMPT, parseSlash, SLASH_COMMANDS } from "./slash.js";
import {
  applyEvent,
  INITIAL_STATE,
  type Item,
  type NewItem,
  push,
  startTurn,
  type ViewState,
} from "./state.js";
import { ExpandedOutput } from "./ToolBlock.js";

/** Two Ctrl-C presses within this window exit (the first may have stopped a turn). */
const DOUBLE_CTRL_C_MS = 2000;
/** Two Esc presses on an idle prompt within this window clear it. */
const DOUBLE_ESC_MS = 800;
/** Resize events come in bursts while a window is dragged: redraw once it settles. */
const RESIZE_SETTLE_MS = 150;
const CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H";

export interface AppProps {
  backend: TuiBackend;
  history: PromptHistory;
  /** Shown once at the top: version line, simulation banner, start-up warnings. */
  intro?: NewItem[];
  /** The project's files for `@path` completion in the prompt. */
  listFiles?(): Promise<string[]>;
  /** `quarry "fix the tests"`: sent as the first prompt as soon as the session is on screen. */
  initialPrompt?: string;
  /** `--continue` / `--resume <id>`: redraw the resumed conversation below the intro. */
  showConversation?: boolean;
  /** `quarry --resume` without an id: start with the session picker. */
  pickSession?: boolean;
  /** Called just before the app exits, with what the resume hint needs. */
  onLeave?(summary: { sessionId: string; prompted: boolean }): void;
  /** Hide the side-model fallback warning (QUARRY_HIDE_SIDE_MODEL_WARNING). */
  hideSideModelWarning?: boolean;
  /** Where `@file` paths start; the process's folder when absent. */
  cwd?: string;
  /** For $VISUAL / $EDITOR (Ctrl-G, /memory); the process's environment when absent. */
  env?: NodeJS.ProcessEnv;
  /** Filled with a reader of what was typed but not sent (queue, then draft), for a caller that ends the UI. */
  unsent?: { current?: () => string[] };
}

/** The interactive session: transcript (static once finished), live turn, dialog or prompt, footer. */
export function App({
  backend,
  history,
  intro = [],
  listFiles,
  initialPrompt,
  showConversation,
  pickSession,
  onLeave,
  hideSideModelWarning = false,
  cwd = process.cwd(),
  env = process.env,
  unsent,
}: AppProps) {
  const { exit } = useApp();
  const { write, stdout } = useStdout();
  const { stdin } = useStdin();
  const [view, setView] = useState<ViewState>(() => intro.reduce(push, INITIAL_STATE));
  const [info, setInfoState] = useState<SessionInfo>(() => backend.info());
  // Key handlers read the ref: a key can arrive before the handler of the latest render is attached.
  const infoRef = useRef(info);
  const setInfo = (next: SessionInfo) => {
    infoRef.current = next;
    setInfoState(next);
  };
  // False while the session opens in the background (backend.opening): prompts wait in the queue until then.
  const readyRef = useRef(!backend.opening);
  const [ready, setReady] = useState(readyRef.current);
  const [started, setStarted] = useState(0);
  const [hint, setHint] = useState("");
  // <Static> remembers how many items it printed; a new key makes it start over (after /clear, a resize).
  const [epoch, setEpoch] = useState(0);
  const lastCtrlC = useRef(0);
  const lastEsc = useRef(0);
  // A ref for the key handlers (no stale closures) and state for the effect that sends queued prompts.
  const busy = useRef(false);
  const [isBusy, setIsBusy] = useState(false);
  const setBusy = (b: boolean) => {
    busy.current = b;
    setIsBusy(b);
  };
  // Prompts typed while a turn runs, sent one by one after it.
  const [queued, setQueuedState] = useState<string[]>([]);
  const queueRef = useRef<string[]>([]);
  const setQueued = useCallback((q: string[]) => {
    queueRef.current = q;
    setQueuedState(q);
  }, []);
  const [picker, setPicker] = useState<PastSession[] | undefined>();
  // A question with numbered answers (`#`: which memory file; /memory: which file to edit).
  const [choice, setChoice] = useState<Choice | undefined>();
  // Ctrl-O: tool output in full.
  const [expanded, setExpanded] = useState(false);
  // `!command` outputs not yet seen by the model: they go in front of the next prompt.
  const shellContext = useRef<string[]>([]);
  // Listed again after each turn: MCP servers that connect later bring their prompts with them.
  // biome-ignore lint/correctness/useExhaustiveDependencies: isBusy and ready are refresh triggers, not inputs
  const custom = useMemo(() => backend.customCommands?.() ?? [], [backend, isBusy, ready]);
  const commands = useMemo(() => [...SLASH_COMMANDS, ...custom], [custom]);
  const prompted = useRef(false);
  const input = useRef<PromptHandle | null>(null);
  if (unsent)
    unsent.current = () => [...queueRef.current, input.current?.text() ?? ""].filter((t) => t.trim());
  const question = useSyncExternalStore(
    (l) => backend.permissions.subscribe(l),
    () => backend.permissions.current(),
  );

  const note = useCallback((item: NewItem) => setView((s) => push(s, item)), []);
  /** A bell or OSC 9 when Quarry waits for the user (the `notifications` setting). */
  const notify = useCallback(
    (reason: NotifyReason, message: string) => {
      const channel = infoRef.current.notifications ?? "off";
      if (shouldNotify(channel, reason)) stdout?.write(notificationSequence(channel, message));
    },
    [stdout],
  );
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

  const runTurn = async (shown: string, prompt: string) => {
    setBusy(true);
    prompted.current = true;
    const since = Date.now();
    setStarted(since);
    setView((s) => startTurn(s, shown));
    const context = shellContext.current.splice(0);
    prompt = withShellContext(context, prompt);
    try {
      for await (const raw of backend.run(prompt)) {
        // Load the highlighter while the block streams, so it is ready when the block is final.
        if (raw.type === "text_delta" && raw.text.includes("```")) void loadHighlighter();
        const event = presentEvent(raw, hideSideModelWarning);
        if (event) setView((s) => applyEvent(s, event));
      }
    } catch (err) {
      // The agent never throws; this guards the UI against a broken backend all the same.
      setView((s) => ({ ...s, running: false }));
      fail(err);
    } finally {
      setBusy(false);
      notify({ kind: "turn-done", elapsedMs: Date.now() - since }, "Quarry: the turn finished");
    }
  };

  /** `!command`: runs through the Bash tool's pipeline; the output is shown and kept for the next prompt. */
  const runShell = (command: string) =>
    task(`running ${command}`, async () => {
      if (!backend.shell) return note({ kind: "warning", text: "Shell commands are not available here." });
      const r = await backend.shell(command);
      note({
        kind: "tool",
        callId: `user-${Date.now()}`,
        name: "Bash",
        summary: command,
        status: r.ok ? "ok" : "error",
        output: r.output || "(no output)",
      });
      shellContext.current.push(bashContext(command, r.output, r.ok));
    });

  /** `#note`: asks which memory file, then appends the note to it. */
  const addMemory = (text: string) => {
    const targets = backend.memory?.().targets ?? [];
    if (targets.length === 0) return note({ kind: "warning", text: "No memory files are available here." });
    setChoice({
      title: `Add "${text}" to which memory file?`,
      options: targets.map((t) => ({ label: t.label, detail: t.path })),
      onPick: (i) => {
        setChoice(undefined);
        const target = i === undefined ? undefined : targets[i];
        if (!target) return note({ kind: "info", text: "Not saved." });
        void task("saving the note", async () => {
          await appendMemoryNote(target.path, text);
          note({ kind: "info", text: `Saved to ${target.path}. New sessions (and /clear) read it.` });
        });
      },
    });
  };

  /** Runs $VISUAL / $EDITOR in the foreground: raw mode off while it has the terminal, then a full redraw. */
  const withEditor = <T,>(work: (editor: string) => T): T | undefined => {
    const editor = editorCommand(env);
    if (!editor) {
      note({
        kind: "warning",
        text: "Set $VISUAL or $EDITOR to edit in your editor (for example EDITOR=vim).",
      });
      return undefined;
    }
    const raw = Boolean(stdin?.isTTY && stdin.isRaw);
    if (raw) stdin.setRawMode(false);
    try {
      return work(editor);
    } catch (err) {
      fail(err);
      return undefined;
    } finally {
      if (raw) stdin.setRawMode(true);
      clearScreen();
      setEpoch((e) => e + 1);
    }
  };

  /** /memory: the memory files in use (and where a note would go); the chosen one opens in the editor. */
  const openMemory = () => {
    const m = backend.memory?.() ?? { targets: [], loaded: [] };
    const files = [...m.loaded, ...m.targets.filter((t) => !m.loaded.some((l) => l.path === t.path))];
    if (files.length === 0) return note({ kind: "info", text: "No memory files." });
    note({
      kind: "info",
      text: [
        "Memory files in use:",
        ...(m.loaded.length ? m.loaded.map((l) => `  ${l.path}`) : ["  (none yet: # adds a note)"]),
      ].join("\n"),
    });
    setChoice({
      title: "Open which memory file in your editor?",
      options: files.map((f) => ({
        label: f.label,
        detail: `${f.path}${m.loaded.some((l) => l.path === f.path) ? "" : " (new)"}`,
      })),
      onPick: (i) => {
        setChoice(undefined);
        const f = i === undefined ? undefined : files[i];
        if (f) withEditor((editor) => runEditorOn(editor, f.path, env));
      },
    });
  };

  /** Sends a prompt with its `@file`s attached; notes say what was not attached. */
  const sendPrompt = (text: string) => {
    const attached = attachFiles(text, { cwd, readable: (p) => backend.attachable?.(p) ?? true });
    for (const n of attached.notes) note({ kind: "warning", text: n });
    if (attached.files.length)
      note({ kind: "info", text: `Attached ${attached.files.map((f) => `@${f}`).join(", ")}.` });
    void runTurn(text, attached.prompt);
  };

  /** Runs a slash command's async work with the spinner showing, reporting failures as error panels. */
  const task = async (label: string, work: () => Promise<void>) => {
    setBusy(true);
    setStarted(Date.now());
    setView((s) => ({ ...s, running: true, activity: label }));
    try {
      await work();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
      setView((s) => ({ ...s, running: false, activity: "" }));
    }
  };

  const clearScreen = useCallback(() => write(CLEAR_SCREEN), [write]);

  const leave = () => {
    onLeave?.({ sessionId: backend.info().sessionId, prompted: prompted.current });
    exit();
  };

  /** Clears the screen and shows the (resumed) conversation from its transcript. */
  const redraw = async (next: SessionInfo, header: NewItem[]) => {
    const events = (await backend.pastEvents?.()) ?? [];
    if (events.some((e) => e.type === "message" && hasCodeFence(JSON.stringify(e.message))))
      await loadHighlighter();
    const items = conversationItems(events).map(({ id: _, ...rest }) => rest as NewItem);
    clearScreen();
    setInfo(next);
    setEpoch((e) => e + 1);
    setView((s) =>
      [...header, ...items].reduce(push, { ...INITIAL_STATE, totals: s.totals, nextId: s.nextId }),
    );
  };

  const resumeSession = (id: string) =>
    task("resuming", async () => {
      const next = await backend.resume(id);
      await redraw(next, [
        { kind: "info", text: `Resumed session ${next.sessionId}. ${resumeHint(next.sessionId)}` },
      ]);
    });

  const listSessions = () =>
    task("listing sessions", async () => {
      const current = backend.info().sessionId;
      const all = ((await backend.sessions?.()) ?? []).filter((s) => s.id !== current);
      if (all.length === 0)
        return note({ kind: "info", text: "No earlier sessions in this project to resume." });
      setPicker(all);
    });

  const submit = (text: string) => {
    // /exit needs no session: it leaves at once, also while the session is still opening.
    if (!readyRef.current && parseSlash(text)?.name === "exit") return leave();
    if (busy.current || !readyRef.current) {
      setQueued([...queueRef.current, text]);
      return;
    }
    setHint("");
    const mode = promptMode(text);
    if (mode?.kind === "bash") {
      note({ kind: "user", text: `! ${mode.body}` });
      return void runShell(mode.body);
    }
    if (mode?.kind === "memory") return addMemory(mode.body);
    const slash = parseSlash(text);
    if (!slash) return sendPrompt(text);
    // A custom command: the backend expands it (its body, arguments, `!` lines) before the model sees it.
    // MCP prompts (`/mcp__server__prompt`) too, even before the menu lists them.
    if (!slash.known && (custom.some((c) => c.name === slash.name) || slash.name.startsWith("mcp__")))
      return void runTurn(text, text);
    if (!slash.known) return note({ kind: "warning", text: `Unknown command /${slash.name}. Try /help.` });
    note({ kind: "user", text });
    switch (slash.name) {
      case "help":
        return note({ kind: "info", text: helpText(custom) });
      case "context":
        return note({
          kind: "info",
          text: contextReport(backend.contextParts?.() ?? [], infoRef.current.contextWindow),
        });
      case "status":
        return void task("collecting the status", async () =>
          note({ kind: "info", text: (await backend.status?.()) ?? "No status available." }),
        );
      case "hooks":
        return note({ kind: "info", text: backend.hooks?.() ?? "No hooks are active." });
      case "mcp":
        return void task("asking the MCP servers", async () =>
          note({ kind: "info", text: (await backend.mcp?.(slash.arg)) ?? "No MCP servers in this session." }),
        );
      case "memory":
        return openMemory();
      case "exit":
        return leave();
      case "cost":
        return note({ kind: "info", text: costReport(view.totals) });
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
        return void (slash.arg ? resumeSession(slash.arg) : listSessions());
      case "init":
        return void runTurn("/init", INIT_PROMPT);
      case "agents":
        return void task("listing agents", async () =>
          note({ kind: "info", text: (await backend.agents?.()) ?? "No agents in this session." }),
        );
      case "sandbox":
        return void task("checking the sandbox", async () =>
          note({ kind: "info", text: await backend.sandbox(slash.arg) }),
        );
    }
  };
  // The queue effect below calls the latest submit, not the one of the render that scheduled it.
  const submitRef = useRef(submit);
  submitRef.current = submit;

  // Send the next queued prompt once the session is open and the turn (and any dialog) is over.
  useEffect(() => {
    if (!ready || isBusy || question || picker || choice || queued.length === 0) return;
    const [next, ...rest] = queued;
    setQueued(rest);
    submitRef.current(next!);
  }, [ready, isBusy, question, picker, choice, queued, setQueued]);

  // A permission dialog waits for the user: tell the terminal (a bell, or a desktop notification).
  useEffect(() => {
    if (question) notify({ kind: "permission" }, `Quarry: allow ${question.tool}?`);
  }, [question, notify]);

  /** Once the session is open: the picker (`--resume`) or the resumed conversation (`--continue`). */
  const onOpen = (header: NewItem[]) => {
    if (pickSession) void listSessions();
    if (showConversation) void redraw(backend.info(), header);
  };

  // `quarry "fix the tests"`: the prompt from the command line goes out first (queued until the session is open).
  const sentInitial = useRef(false);
  useEffect(() => {
    if (sentInitial.current) return;
    sentInitial.current = true;
    if (backend.opening) {
      void backend.opening.then((header) => {
        setInfo(backend.info());
        setView((s) => header.reduce(push, s));
        readyRef.current = true;
        setReady(true);
        onOpen([...intro, ...header]);
      });
    } else onOpen(intro);
    if (initialPrompt?.trim()) {
      history.add(initialPrompt);
      submitRef.current(initialPrompt);
    }
  });

  // A resize leaves already printed boxes at the old width: clear and print everything again, once settled.
  useEffect(() => {
    if (!stdout?.on) return;
    let timer: NodeJS.Timeout | undefined;
    const onResize = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        write(CLEAR_SCREEN);
        setEpoch((e) => e + 1);
      }, RESIZE_SETTLE_MS);
    };
    stdout.on("resize", onResize);
    return () => {
      clearTimeout(timer);
      stdout.off("resize", onResize);
    };
  }, [stdout, write]);

  /** Stops the running turn; prompts queued behind it come back to the editor instead of being sent. */
  const cancel = () => {
    backend.permissions.denyAll("The user stopped the turn.");
    backend.cancel();
    const q = queueRef.current;
    if (q.length) {
      setQueued([]);
      const draft = input.current?.text() ?? "";
      input.current?.setText([...q, draft].filter(Boolean).join("\n"));
    }
  };

  const cycleMode = () => {
    if (!backend.setMode) return;
    const now = infoRef.current;
    const next = backend.setMode(nextMode(now.mode ?? "default", Boolean(now.bypassAllowed)));
    setInfo(next);
  };

  const answer = (c: PermissionChoice) => {
    if (c.choice === "acceptEdits" && backend.setMode) setInfo(backend.setMode("acceptEdits"));
    backend.permissions.answer(c);
  };

  /** Counts a Ctrl-C press; true when it is the second within the window, so the caller exits. */
  const secondCtrlC = () => {
    const now = Date.now();
    const again = now - lastCtrlC.current < DOUBLE_CTRL_C_MS;
    lastCtrlC.current = now;
    return again;
  };

  /** Keys the prompt passes up before editing; true means handled here. */
  const onKey = (ch: string, key: Key, empty: boolean): boolean => {
    if (hint && !(key.ctrl && ch === "c")) setHint("");
    if (key.tab && key.shift) {
      cycleMode();
      return true;
    }
    if (key.ctrl && ch === "l") {
      clearScreen();
      return true;
    }
    // Ctrl-O: printed items are static, so showing them with full output means printing them again.
    if (key.ctrl && ch === "o") {
      setExpanded((x) => !x);
      clearScreen();
      setEpoch((e) => e + 1);
      return true;
    }
    if (key.ctrl && ch === "g") {
      const edited = withEditor((editor) => editText(input.current?.text() ?? "", editor, env));
      if (edited !== undefined) input.current?.setText(edited);
      return true;
    }
    if (key.escape) {
      const now = Date.now();
      if (busy.current) cancel();
      else if (!empty && now - lastEsc.current < DOUBLE_ESC_MS) input.current?.setText("");
      else if (!empty) setHint("Press Esc again to clear the prompt.");
      lastEsc.current = now;
      return true;
    }
    if (key.ctrl && ch === "c") {
      const again = secondCtrlC();
      // Any press counts towards the double press, so one that only stopped a turn (or the session-title
      // request still in flight after a reply) is followed by an exit, not by another "press again" — even
      // while that stop is still winding down.
      if (again) {
        if (busy.current) cancel();
        leave();
        return true;
      }
      if (busy.current) {
        cancel();
        setHint("Stopped. Press Ctrl-C again to exit.");
        return true;
      }
      if (!empty) {
        input.current?.setText("");
        return true;
      }
      setHint("Press Ctrl-C again to exit.");
      return true;
    }
    // ↑ on an empty prompt takes back the last queued prompt to edit it.
    if (key.upArrow && empty && queueRef.current.length) {
      const q = queueRef.current;
      setQueued(q.slice(0, -1));
      input.current?.setText(q.at(-1)!);
      return true;
    }
    if (ch === "?" && empty && !key.ctrl && !key.meta) {
      note({ kind: "info", text: KEY_MAP });
      return true;
    }
    return false;
  };

  // While a dialog or picker has the keyboard, Ctrl-C still counts towards the double press that exits; in the
  // permission dialog it also stops the whole turn (the picker and the choice close themselves).
  useInput(
    (ch, key) => {
      if (!(key.ctrl && ch === "c")) return;
      const again = secondCtrlC();
      if (question) cancel();
      if (again) leave();
      else if (question) setHint("Stopped. Press Ctrl-C again to exit.");
    },
    { isActive: Boolean(question || picker || choice) },
  );

  return (
    <ExpandedOutput.Provider value={expanded}>
      <Box flexDirection="column">
        <Static key={epoch} items={view.done}>
          {(item: Item) => <ItemView key={item.id} item={item} />}
        </Static>
        {view.live.map((item) => (
          <ItemView key={item.id} item={item} />
        ))}
        <Box marginTop={1} flexDirection="column">
          {question ? (
            <PermissionDialog prompt={question} onAnswer={answer} onCancel={cancel} />
          ) : choice ? (
            <ChoiceDialog choice={choice} />
          ) : picker ? (
            <SessionPicker
              sessions={picker}
              onPick={(id) => {
                setPicker(undefined);
                if (id) void resumeSession(id);
              }}
            />
          ) : (
            view.running && <Spinner since={started} label={view.activity} />
          )}
          <QueuedPrompts prompts={queued} opening={!ready} />
          <PromptInput
            history={history}
            onSubmit={submit}
            onKey={onKey}
            active={!question && !picker && !choice}
            listFiles={listFiles}
            commands={commands}
            handle={input}
            placeholder={
              view.done.length + view.live.length <= 3
                ? "Ask Quarry to do something · /help · ? for keys"
                : ""
            }
          />
          {hint ? <Text dimColor>{hint}</Text> : <StatusLine info={info} totals={view.totals} />}
          <ModeLine info={info} />
        </Box>
      </Box>
    </ExpandedOutput.Provider>
  );
}
