#!/usr/bin/env node
// The engine is TypeScript run without a build step; tsx's loader lets node import it directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../runtime/cli.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
