import type { MigrationInterface } from 'typeorm';
import { ConfigEventsNotify1763700001000 } from '@skein/bus';

/** Migrations beyond the store's own (core and allocators), in timestamp order. */
export const API_MIGRATIONS: (new () => MigrationInterface)[] = [ConfigEventsNotify1763700001000];
