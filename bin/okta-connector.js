#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The published package ships dist/; a fresh checkout has none until its first run builds it
// (there is no install script to do it, so npm's install-script policy never gets in the way).
if (!existsSync(new URL('../dist/main.js', import.meta.url))) await import('./build-checkout.js');
await import('../dist/main.js');
