/** The folder `--demo` writes and reads, relative to the working folder (a leaf: `--help` shows it). */
export const DEMO_OUTPUT_DIR = 'okta-inventory-demo';
