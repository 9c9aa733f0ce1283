import { describe, expect, it } from 'vitest';
import { colorLevel, createIo, loadSpinners } from '../../src/ui/io.js';
import { redact, registerSecret } from '../../src/ui/redact.js';
import { formatRequestEvent } from '../../src/ui/request-log.js';
import { ANSI, CaptureStream, fakeIo } from '../cli/harness.js';

function streams(tty: boolean) {
  return { stdout: new CaptureStream(tty), stderr: new CaptureStream(tty) };
}

describe('colorLevel', () => {
  it('colours only when the streams are terminals', () => {
    expect(colorLevel({ ...streams(true), env: {} })).toBe(2);
    expect(colorLevel({ ...streams(false), env: {} })).toBe(0);
    expect(colorLevel({ stdout: new CaptureStream(false), stderr: new CaptureStream(true), env: {} })).toBe(
      0,
    );
  });

  it('with --json only stderr matters (stdout carries no colour)', () => {
    expect(
      colorLevel({ stdout: new CaptureStream(false), stderr: new CaptureStream(true), env: {}, json: true }),
    ).toBe(2);
  });

  it('honours NO_COLOR (non-empty), TERM=dumb and --no-color', () => {
    expect(colorLevel({ ...streams(true), env: { NO_COLOR: '1' } })).toBe(0);
    expect(colorLevel({ ...streams(true), env: { NO_COLOR: '' } })).toBe(2);
    expect(colorLevel({ ...streams(true), env: { TERM: 'dumb' } })).toBe(0);
    expect(colorLevel({ ...streams(true), env: {}, color: false })).toBe(0);
  });
});

describe('createIo', () => {
  it('logger: info and success hidden by --quiet, warnings and errors always on stderr', () => {
    const { io, stdout, stderr } = fakeIo({ quiet: true });
    io.logger.info('info line');
    io.logger.success('success line');
    io.logger.verbose('verbose line');
    io.logger.warn('warn line');
    io.logger.error('error line');
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe('! warn line\n✗ error line\n');
  });

  it('logger: verbose lines only with --verbose', () => {
    const { io, stderr } = fakeIo({ verbose: true });
    io.logger.verbose('GET /api/v1/users 200');
    io.logger.success('done');
    expect(stderr.text()).toBe('GET /api/v1/users 200\n✓ done\n');
  });

  it('writes no ANSI codes without a terminal, and colours on one', () => {
    const plain = fakeIo();
    plain.io.logger.error('x');
    plain.io.print(plain.io.color.red('y'));
    expect(plain.stderr.text() + plain.stdout.text()).not.toMatch(ANSI);

    const tty = fakeIo({ tty: true });
    tty.io.logger.error('x');
    expect(tty.stderr.text()).toMatch(ANSI);

    const noColor = fakeIo({ tty: true, env: { NO_COLOR: '1' } });
    noColor.io.logger.error('x');
    expect(noColor.stderr.text()).not.toMatch(ANSI);
  });

  it('spinner: a no-op without a terminal that prints one line at the end', () => {
    const { io, stderr } = fakeIo();
    const spinner = io.spinner('Working');
    spinner.update('Still working');
    expect(stderr.text()).toBe('');
    spinner.succeed();
    expect(stderr.text()).toBe('✓ Still working\n');
    io.spinner('Other').stop();
    expect(stderr.text()).toBe('✓ Still working\n');
  });

  it('spinner: animated on a terminal once the spinner library is loaded, nothing with --json or --quiet', async () => {
    await loadSpinners();
    const tty = fakeIo({ tty: true });
    const spinner = tty.io.spinner('Working');
    expect(tty.stderr.text()).toContain('Working');
    spinner.succeed('Done');
    expect(tty.stderr.text()).toContain('Done');
    // ora hides the cursor while it animates and clears the line it drew.
    expect(tty.stderr.text()).toContain('\u001B[?25l');

    for (const flags of [{ json: true }, { quiet: true }]) {
      const quiet = fakeIo({ tty: true, ...flags });
      const silent = quiet.io.spinner('Working');
      silent.stop();
      expect(quiet.stderr.text()).toBe('');
    }
  });

  it('printJson writes one parseable document on stdout', () => {
    const { io, stdout, stderr } = fakeIo({ json: true });
    io.printJson({ ok: true, list: [1, 2] });
    expect(JSON.parse(stdout.text())).toEqual({ ok: true, list: [1, 2] });
    expect(stderr.text()).toBe('');
  });

  it('redacts registered secrets in every output path', () => {
    const secret = '00IoRedactionSecret-eeeeeeeeeeeeeeeeeeeee';
    registerSecret(secret);
    const { io, stdout, stderr } = fakeIo({ verbose: true });
    io.print(`out ${secret}`);
    io.printJson({ token: secret });
    io.logger.info(`info ${secret}`);
    io.logger.warn(`warn ${secret}`);
    io.logger.error(`error ${secret}`);
    io.logger.verbose(`verbose ${secret}`);
    io.spinner(`spin ${secret}`).fail();
    expect(stdout.text() + stderr.text()).not.toContain(secret);
    expect(JSON.parse(stdout.text().split('\n').slice(1).join('\n'))).toEqual({ token: '[redacted]' });
  });

  it('is usable without stdin', () => {
    const io = createIo({ ...streams(false) });
    expect(io.isTTY.stdin).toBe(false);
  });
});

describe('redact', () => {
  it('masks Authorization-shaped credentials even when not registered', () => {
    expect(redact('Authorization: SSWS 00unregisteredTokenValue123')).toBe('Authorization: SSWS [redacted]');
    expect(redact('Bearer eyJhbGciOi.abc.def')).toBe('Bearer [redacted]');
  });

  it('ignores secrets too short to mask safely', () => {
    registerSecret('short');
    expect(redact('a short word')).toBe('a short word');
  });
});

describe('formatRequestEvent', () => {
  it('shows method, path, status, time, request id, bucket and remaining rate limit', () => {
    expect(
      formatRequestEvent({
        method: 'GET',
        path: '/api/v1/users?limit=1',
        status: 200,
        durationMs: 83.6,
        requestId: 'XyZ',
        bucket: 'users',
        attempt: 1,
        rateLimit: { limit: 600, remaining: 598, reset: 1 },
      }),
    ).toBe('GET /api/v1/users?limit=1 200 84ms req=XyZ bucket=users 598/600 left');
    expect(
      formatRequestEvent({
        method: 'GET',
        path: '/x',
        durationMs: 5,
        bucket: 'other',
        attempt: 2,
        error: 'ECONNRESET',
      }),
    ).toBe('GET /x ECONNRESET 5ms attempt 2 bucket=other');
  });
});
