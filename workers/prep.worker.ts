/** Pre-processing worker entry: exposes PrepHost over comlink. */
import * as Comlink from 'comlink';
import { PrepHost } from './prep-host';

Comlink.expose(new PrepHost());
