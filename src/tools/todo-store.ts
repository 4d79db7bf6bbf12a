/** One entry of TodoWrite's list. */
export interface TodoItem {
  content: string;
  status: "pending" | "in_progress" | "completed";
  /** Present-tense form shown while in progress ("Running tests"). */
  activeForm?: string;
}

/** The session's todo list; TodoWrite replaces it whole, UIs may subscribe. */
export class TodoStore {
  private items: readonly TodoItem[] = [];
  private readonly listeners = new Set<(todos: readonly TodoItem[]) => void>();

  /** The current list. */
  get(): readonly TodoItem[] {
    return this.items;
  }

  /** Replaces the list and notifies subscribers. */
  set(todos: readonly TodoItem[]): void {
    this.items = todos.map((t) => ({ ...t }));
    for (const listener of this.listeners) listener(this.items);
  }

  /** Calls `listener` on every change; returns an unsubscribe function. */
  subscribe(listener: (todos: readonly TodoItem[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
