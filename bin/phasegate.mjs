#!/usr/bin/env node
// The CLI runs from a JavaScript bundle of its TypeScript sources, built on first use and again after
// any of them changes (bin/cli-bundle.mjs), or through tsx's loader where none can be built.
import { loadCli } from './cli-bundle.mjs';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
