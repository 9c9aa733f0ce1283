import { ConnectorError } from '../../errors.js';
import type { Io } from '../../ui/io.js';

const MAX_ATTEMPTS = 5;

/** Asks until `parse` accepts the answer, showing each error and its hint. The input ending is not retried. */
export async function askUntilValid<T>(
  io: Io,
  ask: () => Promise<string>,
  parse: (answer: string) => T,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const answer = await ask();
    try {
      return parse(answer);
    } catch (error) {
      if (!(error instanceof ConnectorError) || attempt >= MAX_ATTEMPTS) throw error;
      io.logger.error(error.message);
      if (error.hint) io.logger.info(`  ${error.hint}`);
    }
  }
}
