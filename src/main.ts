import { launch } from './launch.js';

/** The program: `bin/okta-connector.js` imports this. */
await launch(process.argv.slice(2));
