import { homedir } from "node:os";
import { render } from "ink";
import { recordTrustAnswer, type TrustAnswer, trustQuestion } from "../../trust/first-run.js";
import { TrustStoreError } from "../../trust/store.js";
import { TrustDialog } from "./TrustDialog.js";
import { ColorContext, colorAllowed } from "./theme.js";

/**
 * Before the first interactive session in a folder: if its own settings would enable something and it is
 * not trusted, asks (trust / continue untrusted / quit) and records the answer. "proceed" when not asked.
 */
export async function askTrustIfNeeded(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  trustProject?: boolean;
}): Promise<TrustAnswer | "proceed"> {
  const where = { cwd: options.cwd, env: options.env, home: homedir() };
  const question = trustQuestion({ ...where, trustProject: options.trustProject });
  if (question === undefined) return "proceed";
  let answer: TrustAnswer = "quit";
  const app = render(
    <ColorContext.Provider value={colorAllowed(process.env)}>
      <TrustDialog
        question={question}
        onAnswer={(a) => {
          answer = a;
          app.clear(); // the session's UI starts on a clean screen
          app.unmount();
        }}
      />
    </ColorContext.Provider>,
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  try {
    recordTrustAnswer(answer, question.folder, where);
  } catch (err) {
    if (!(err instanceof TrustStoreError)) throw err;
    process.stderr.write(`quarry: ${err.message}\n  Fix: ${err.fix}\n`);
    return answer === "quit" ? "quit" : "untrusted";
  }
  return answer;
}
