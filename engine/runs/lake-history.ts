import { discardUnpublished, writeRunHistory } from '../history/index.js';
import type { RunHistory } from './history.js';

/** The history runs keep in the lake (`engine/history/`): dated snapshots and segment membership. */
export const lakeHistory: RunHistory = { writeRunHistory, discardUnpublished };
