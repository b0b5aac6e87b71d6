/** Engine worker entry: exposes EngineHost over comlink. */
import * as Comlink from 'comlink';
import { EngineHost } from './engine-host';

Comlink.expose(new EngineHost());
