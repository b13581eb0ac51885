/**
 * The `trustlens` process: bin/trustlens runs this file (bundled by scripts/cli-bundle.mjs, or through
 * tsx). What only a process does lives here — the exit status, a reader that closes the pipe — so that
 * importing main.ts runs nothing (the tests call `main` in their own process).
 */
import { EXIT } from './exit-codes.ts';
import { main } from './main.ts';

/**
 * A reader that stops early (`trustlens demo --format json | head`) closes the pipe: stop quietly with
 * the status a SIGPIPE would give, never a stack trace.
 */
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(EXIT.PIPE_CLOSED);
  });

process.exitCode = await main(process.argv.slice(2));
