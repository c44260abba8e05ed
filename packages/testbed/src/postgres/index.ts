export { type RunningPostgres, startPostgres, type StartPostgresOptions } from './embeddedPostgres';
