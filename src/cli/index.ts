/** The `latchkey` process: the program on this process's streams, settings and exit code. */
import { processIo, runtimeFromSettings } from './context.js';
import { runProgram } from './program.js';

// Whatever the process creates (data directory, database, WAL files, key file) is the owner's alone.
process.umask(0o077);
const io = processIo();
const code = await runProgram(process.argv.slice(2), runtimeFromSettings(process.env, io), io);
// A failed command may leave a half-opened connection behind: end now rather than wait for it.
if (code !== 0) process.exit(code);
