-- Run once per `docker compose up` by the mssql-init service, as sa (the only place sa is
-- used). Idempotent: creates what is missing and resets the two passwords from deploy/.env.
-- $(APP_DB_PASSWORD) and $(MIGRATE_DB_PASSWORD) are sqlcmd scripting variables, which sqlcmd
-- reads from the init container's environment, so no password appears on a command line.
-- The rights granted here are the ones docs/operations.md lists; tests/deploy checks both.
:on error exit

IF DB_ID(N'selteq') IS NULL CREATE DATABASE selteq;
GO

-- selteq_migrate: `selteq migrate` creates and alters the tables (and records the versions).
IF SUSER_ID(N'selteq_migrate') IS NULL
    CREATE LOGIN selteq_migrate WITH PASSWORD = N'$(MIGRATE_DB_PASSWORD)', DEFAULT_DATABASE = selteq, CHECK_POLICY = ON;
ELSE
    ALTER LOGIN selteq_migrate WITH PASSWORD = N'$(MIGRATE_DB_PASSWORD)';
-- selteq_app: the api, worker and scheduler read and write rows, nothing else.
IF SUSER_ID(N'selteq_app') IS NULL
    CREATE LOGIN selteq_app WITH PASSWORD = N'$(APP_DB_PASSWORD)', DEFAULT_DATABASE = selteq, CHECK_POLICY = ON;
ELSE
    ALTER LOGIN selteq_app WITH PASSWORD = N'$(APP_DB_PASSWORD)';
GO

USE selteq;
GO

IF USER_ID(N'selteq_migrate') IS NULL CREATE USER selteq_migrate FOR LOGIN selteq_migrate;
IF USER_ID(N'selteq_app') IS NULL CREATE USER selteq_app FOR LOGIN selteq_app;
GO

ALTER ROLE db_ddladmin ADD MEMBER selteq_migrate;
ALTER ROLE db_datareader ADD MEMBER selteq_migrate;
ALTER ROLE db_datawriter ADD MEMBER selteq_migrate;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dbo TO selteq_app;
GO
