/** A running transport the app can stop. */
export interface RunningTransport {
  /** Where a person reaches it. */
  description: string;
  /** Stops taking new connections (calls on open ones are still answered). */
  stopAccepting(): void;
  /** Closes every MCP connection. */
  close(): Promise<void>;
}
