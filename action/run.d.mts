// Types of action/run.mjs for the tests (the script itself stays plain JavaScript: it runs without a build).

/** Inputs of the action that shape the plan (action.yml). */
export interface PlanInputs {
  mode?: string;
  trigger?: string;
  prompt?: string;
  associations?: string[];
}

/** What one event asks of Quarry: the issue or PR number and the prompt, or why it is skipped. */
export type Plan =
  | { skip: string; number?: undefined; prompt?: undefined }
  | { skip?: undefined; number: number; prompt: string };

export function planRun(eventName: string, event: Record<string, unknown>, inputs: PlanInputs): Plan;
export function main(env?: NodeJS.ProcessEnv): Promise<number>;
