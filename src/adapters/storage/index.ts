/** Storage: the database named by DATABASE_URL (SQLite or PostgreSQL), its schema and its data access. */
export * from './connection';
export * from './migrations';
export * from './repository';
export type * from './schema';
export * from './intake';
