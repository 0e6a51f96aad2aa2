/** Process entry point (bin/sqsdemo and the single executable start here). */
import { main } from './cli.js';

await main();
