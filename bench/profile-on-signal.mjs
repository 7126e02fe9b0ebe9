// Preloaded into the API process by the intake benchmark (node --import): the first SIGUSR2
// starts V8's CPU profiler, the second writes the profile to $BENCH_PROFILE_FILE, so only the
// measured stretch is sampled (startup is not).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
let running = false;
process.on('SIGUSR2', async () => {
  if (!running) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    running = true;
    return;
  }
  const { profile } = await session.post('Profiler.stop');
  running = false;
  writeFileSync(process.env.BENCH_PROFILE_FILE, JSON.stringify(profile));
});
