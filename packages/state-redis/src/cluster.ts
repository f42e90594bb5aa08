import calculateSlot from 'cluster-key-slot';

/**
 * Groups positions of `keys` by Redis Cluster hash slot (hash tags `{…}` honoured, exactly as
 * Redis computes them), so each group can be sent as one command or transaction without a
 * CROSSSLOT error. On a standalone server everything is one group.
 */
export function groupBySlot(keys: readonly string[], cluster: boolean): number[][] {
  if (!cluster) return [keys.map((_, i) => i)];
  const groups = new Map<number, number[]>();
  keys.forEach((k, i) => {
    const slot = calculateSlot(k);
    const g = groups.get(slot);
    if (g) g.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}
