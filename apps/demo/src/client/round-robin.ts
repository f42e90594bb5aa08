/** A `fetch` that spreads requests over several server instances, as a load balancer would. */
export interface RoundRobin {
  /** Sends each request to the next instance in turn, whatever URL it was made for. */
  fetch: typeof fetch;
  /** The index (into the instance URLs) the last request went to; -1 before the first. */
  readonly last: number;
}

/** A round-robin `fetch` over the instances at `urls` (only their host and port are used). */
export function roundRobin(urls: readonly (string | URL)[]): RoundRobin {
  const hosts = urls.map((u) => new URL(u).host);
  let next = 0;
  let last = -1;
  return {
    fetch: (input, init) => {
      last = next;
      next = (next + 1) % hosts.length;
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.host = hosts[last]!;
      return fetch(input instanceof Request ? new Request(url, input) : url, init);
    },
    get last() {
      return last;
    },
  };
}
