import { runCli, type Workspace } from '../e2e/cli-process.js';

/** Every command and subcommand of the CLI; golden-help.test.ts fails when the CLI has one this list lacks. */
export const COMMANDS: readonly (readonly string[])[] = [
  [],
  ['configure'],
  ['test-connection'],
  ['sync'],
  ['export'],
  ['diff'],
  ['schedule'],
  ['schedule', 'install'],
  ['schedule', 'show'],
  ['schedule', 'remove'],
  ['schedule', 'print'],
];

/**
 * `okta-connector <command> --help` of the built CLI, as a user's pipe gets it: stdout not a
 * terminal (commander wraps at 80 columns whatever COLUMNS says), NO_COLOR.
 */
export function helpOf(command: readonly string[], workspace: Workspace) {
  return runCli([...command, '--help'], { env: workspace.env(undefined, { NO_COLOR: '1', COLUMNS: '80' }) });
}

/** The names under "Commands:" in a help text, without commander's own `help`. */
export function commandsListed(helpText: string): string[] {
  const section = helpText.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'help');
}

/** One paragraph of a help's Examples: its comment lines and the `$ ` commands under them, in order. */
export interface ExampleParagraph {
  /** `okta-connector schedule --help`, where it was read. */
  from: string;
  comment: string;
  commands: string[];
}

/** The paragraphs of the Examples section of a help text (a blank line ends one). */
export function examplesOf(helpText: string, from: string): ExampleParagraph[] {
  const section = helpText.split(/^Examples:\n/m)[1]?.split(/\n(?=\S)/)[0] ?? '';
  const paragraphs: ExampleParagraph[] = [];
  for (const block of section.split(/\n\s*\n/)) {
    const lines = block
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    for (const line of lines) {
      // A line the runner would not see, or see cut short, fails the extraction rather than the example.
      if (!line.startsWith('$ ') && !line.startsWith('#'))
        throw new Error(`${from}: an Examples line is neither "$ command" nor "# comment": ${line}`);
      if (line.endsWith('\\')) throw new Error(`${from}: an example continues on the next line: ${line}`);
    }
    const commands = lines.filter((line) => line.startsWith('$ ')).map((line) => line.slice(2));
    const comment = lines.filter((line) => line.startsWith('#')).join(' ');
    if (commands.length > 0) paragraphs.push({ from, comment, commands });
  }
  return paragraphs;
}
