import { type Command, Option } from 'commander';
import { helpLine, type OptionTable } from './option-table.js';

/**
 * Declares a command's {@link OptionTable} to commander, in the table's order: each option with its
 * help line (and default), hidden ones and hidden old spellings (aliases) that set the same key.
 */
export function addOptions(command: Command, table: OptionTable): Command {
  for (const [key, spec] of Object.entries(table)) {
    const option = new Option(spec.flags, helpLine(spec));
    // The table's key is the property commander fills: a typo here would drop the option silently.
    if (option.attributeName() !== key)
      throw new Error(
        `Option table of ${command.name()}: ${spec.flags} fills "${option.attributeName()}", not "${key}".`,
      );
    if (spec.hidden) option.hideHelp();
    if (spec.required) option.makeOptionMandatory();
    command.addOption(option);
    for (const flags of spec.aliases ?? []) {
      const alias = new Option(flags).hideHelp();
      alias.attributeName = () => key;
      command.addOption(alias);
    }
  }
  return command;
}
