/**
 * `npm run test:chaos -- --seeds N [--steps M] [--seed S] [--path P --replay R]`: runs the model-based
 * session test (src/app/services/session-chaos.test.ts) for N sequences of up to M actions from seed S
 * (a fresh seed when none is given, printed so the run can be repeated). A failure prints the shrunk
 * sequence and the command that replays it.
 */
import { spawnSync } from 'node:child_process';

const FLAGS: Record<string, string> = {
  '--seeds': 'CHAOS_SEEDS',
  '--steps': 'CHAOS_STEPS',
  '--seed': 'CHAOS_SEED',
  '--path': 'CHAOS_PATH',
  '--replay': 'CHAOS_REPLAY',
};

function parse(argv: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = FLAGS[argv[i]];
    const value = argv[i + 1];
    if (!name || value === undefined) {
      console.error(
        `test:chaos: unknown or incomplete flag "${argv[i]}" (use ${Object.keys(FLAGS).join(', ')})`,
      );
      process.exit(2);
    }
    if (name !== 'CHAOS_PATH' && name !== 'CHAOS_REPLAY' && !/^\d+$/.test(value)) {
      console.error(`test:chaos: ${argv[i]} takes a whole number, got "${value}"`);
      process.exit(2);
    }
    env[name] = value;
  }
  return env;
}

const env = parse(process.argv.slice(2));
env.CHAOS_SEED ??= String(Date.now() % 2 ** 31);
console.log(
  `test:chaos: seed ${env.CHAOS_SEED}, ${env.CHAOS_SEEDS ?? 20} sequences of up to ${env.CHAOS_STEPS ?? 30} steps`,
);
const run = spawnSync('npx', ['vitest', 'run', 'src/app/services/session-chaos.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
process.exit(run.status ?? 1);
