#!/usr/bin/env node
/** Entry point of the `neo4j-hooks` command (see hooks/commands.ts). */
import { main } from './commands.js';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
