// The CLI migrates exactly what the server migrates at start: one list, owned by the server.
export { migrationModules as operatorMigrationModules } from '@parite/server/migrations';
