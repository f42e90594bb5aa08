/**
 * `pnpm bench`: runs every group (or those named: `pnpm bench memory lmdb`) in one process.
 * Each group module in ./groups exports `run(): Promise<void>` and prints its own table.
 */
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TABLE_HEADER } from './harness.js';

const dir = fileURLToPath(new URL('./groups/', import.meta.url));
const wanted = process.argv.slice(2);
const groups = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((g) => wanted.length === 0 || wanted.includes(g));

console.log(
  `# pforge bench — ${new Date().toISOString()} — Node ${process.version} — ${cpus()[0]?.model} ×${cpus().length}`,
);
for (const g of groups) {
  console.log(`\n## ${g}\n\n${TABLE_HEADER}`);
  const mod = (await import(`./groups/${g}.ts`)) as { run: () => Promise<void> };
  await mod.run();
}
process.exit(0);
