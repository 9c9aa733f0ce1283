import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A stand-in for crontab(1), put first on PATH: it keeps the table in `$FAKE_CRONTAB_FILE` and
 * supports `-l`, `-` and a file argument. Like cronie it says "no crontab for <user>" and exits 1
 * when there is no table, and refuses a table whose last line has no newline. Each call is
 * appended to `$FAKE_CRONTAB_FILE.calls`.
 */
const SCRIPT = `
const fs = require('node:fs');
const table = process.env.FAKE_CRONTAB_FILE;
const args = process.argv.slice(2);
fs.appendFileSync(table + '.calls', JSON.stringify(args) + '\\n');
function install(content) {
  if (content.length > 0 && content[content.length - 1] !== 0x0a) {
    process.stderr.write('new crontab file is missing newline before EOF, can\\'t install.\\n');
    process.exit(1);
  }
  fs.writeFileSync(table, content);
}
if (args[0] === '-l') {
  if (!fs.existsSync(table)) {
    process.stderr.write('no crontab for tester\\n');
    process.exit(1);
  }
  process.stdout.write(fs.readFileSync(table));
} else if (args[0] === '-') {
  install(fs.readFileSync(0));
} else if (args.length === 1 && fs.existsSync(args[0])) {
  install(fs.readFileSync(args[0]));
} else {
  process.stderr.write('usage: crontab [file | -l | -]\\n');
  process.exit(1);
}
`;

/** Writes the fake `crontab` into `<dir>/bin`; returns that folder (to put first on PATH). */
export async function installFakeCrontab(dir: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const file = path.join(bin, 'crontab');
  await writeFile(file, `#!${process.execPath}\n${SCRIPT}`);
  await chmod(file, 0o755);
  return bin;
}
