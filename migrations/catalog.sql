CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE audit_log (
        id bigint NOT NULL,
        at timestamp with time zone NOT NULL,
        actor character varying(200) NOT NULL,
        actor_role character varying(20),
        action character varying(200) NOT NULL,
        target character varying(400),
        outcome character varying(100) NOT NULL,
        remote_address character varying(64),
        summary text,
        prev_hash character varying(64) NOT NULL,
        hash character varying(64) NOT NULL,
        CONSTRAINT pk_audit_log PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE master_keys (
        id character varying(40) NOT NULL,
        root_key_id text NOT NULL,
        wrapped_key text NOT NULL,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_master_keys PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE openiddict_applications (
        id text NOT NULL,
        application_type character varying(50),
        client_id character varying(100),
        client_secret text,
        client_type character varying(50),
        concurrency_token character varying(50),
        consent_type character varying(50),
        display_name text,
        display_names text,
        json_web_key_set text,
        permissions text,
        post_logout_redirect_uris text,
        properties text,
        redirect_uris text,
        requirements text,
        settings text,
        CONSTRAINT pk_openiddict_applications PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE openiddict_scopes (
        id text NOT NULL,
        concurrency_token character varying(50),
        description text,
        descriptions text,
        display_name text,
        display_names text,
        name character varying(200),
        properties text,
        resources text,
        CONSTRAINT pk_openiddict_scopes PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE roles (
        id uuid NOT NULL,
        name character varying(256),
        normalized_name character varying(256),
        concurrency_stamp text,
        CONSTRAINT pk_roles PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE sources (
        id uuid NOT NULL,
        name character varying(100) NOT NULL,
        host character varying(255) NOT NULL,
        port integer NOT NULL,
        database_name character varying(63) NOT NULL,
        username character varying(63) NOT NULL,
        password_encrypted text,
        ssl_mode character varying(20) NOT NULL,
        enabled boolean NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_sources PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE users (
        id uuid NOT NULL,
        created_at timestamp with time zone NOT NULL,
        user_name character varying(256),
        normalized_user_name character varying(256),
        email character varying(256),
        normalized_email character varying(256),
        email_confirmed boolean NOT NULL,
        password_hash text,
        security_stamp text,
        concurrency_stamp text,
        phone_number text,
        phone_number_confirmed boolean NOT NULL,
        two_factor_enabled boolean NOT NULL,
        lockout_end timestamp with time zone,
        lockout_enabled boolean NOT NULL,
        access_failed_count integer NOT NULL,
        CONSTRAINT pk_users PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE openiddict_authorizations (
        id text NOT NULL,
        application_id text,
        concurrency_token character varying(50),
        creation_date timestamp with time zone,
        properties text,
        scopes text,
        status character varying(50),
        subject character varying(400),
        type character varying(50),
        CONSTRAINT pk_openiddict_authorizations PRIMARY KEY (id),
        CONSTRAINT fk_openiddict_authorizations_openiddict_applications_applicati FOREIGN KEY (application_id) REFERENCES openiddict_applications (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE role_claims (
        id integer GENERATED BY DEFAULT AS IDENTITY,
        role_id uuid NOT NULL,
        claim_type text,
        claim_value text,
        CONSTRAINT pk_role_claims PRIMARY KEY (id),
        CONSTRAINT fk_role_claims_roles_role_id FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE backup_schedules (
        id uuid NOT NULL,
        name character varying(100) NOT NULL,
        source_id uuid NOT NULL,
        backup_type text NOT NULL,
        cron_expression character varying(100) NOT NULL,
        time_zone character varying(64) NOT NULL,
        is_active boolean NOT NULL,
        retention_days integer NOT NULL,
        keep_daily integer NOT NULL DEFAULT 7,
        keep_weekly integer NOT NULL DEFAULT 4,
        keep_monthly integer NOT NULL DEFAULT 12,
        keep_yearly integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL DEFAULT 3,
        retry_backoff_seconds integer NOT NULL DEFAULT 60,
        next_run_at timestamp with time zone,
        last_run_at timestamp with time zone,
        last_status text,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_backup_schedules PRIMARY KEY (id),
        CONSTRAINT fk_backup_schedules_sources_source_id FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE user_claims (
        id integer GENERATED BY DEFAULT AS IDENTITY,
        user_id uuid NOT NULL,
        claim_type text,
        claim_value text,
        CONSTRAINT pk_user_claims PRIMARY KEY (id),
        CONSTRAINT fk_user_claims_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE user_logins (
        login_provider text NOT NULL,
        provider_key text NOT NULL,
        provider_display_name text,
        user_id uuid NOT NULL,
        CONSTRAINT pk_user_logins PRIMARY KEY (login_provider, provider_key),
        CONSTRAINT fk_user_logins_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE user_roles (
        user_id uuid NOT NULL,
        role_id uuid NOT NULL,
        CONSTRAINT pk_user_roles PRIMARY KEY (user_id, role_id),
        CONSTRAINT fk_user_roles_roles_role_id FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE,
        CONSTRAINT fk_user_roles_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE user_tokens (
        user_id uuid NOT NULL,
        login_provider text NOT NULL,
        name text NOT NULL,
        value text,
        CONSTRAINT pk_user_tokens PRIMARY KEY (user_id, login_provider, name),
        CONSTRAINT fk_user_tokens_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE openiddict_tokens (
        id text NOT NULL,
        application_id text,
        authorization_id text,
        concurrency_token character varying(50),
        creation_date timestamp with time zone,
        expiration_date timestamp with time zone,
        payload text,
        properties text,
        redemption_date timestamp with time zone,
        reference_id character varying(100),
        status character varying(50),
        subject character varying(400),
        type character varying(150),
        CONSTRAINT pk_openiddict_tokens PRIMARY KEY (id),
        CONSTRAINT fk_openiddict_tokens_openiddict_applications_application_id FOREIGN KEY (application_id) REFERENCES openiddict_applications (id),
        CONSTRAINT fk_openiddict_tokens_openiddict_authorizations_authorization_id FOREIGN KEY (authorization_id) REFERENCES openiddict_authorizations (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE backup_jobs (
        id uuid NOT NULL,
        schedule_id uuid,
        scheduled_for timestamp with time zone,
        attempt integer NOT NULL DEFAULT 1,
        retry_of_id uuid,
        not_before timestamp with time zone,
        source_id uuid NOT NULL,
        database_name character varying(63) NOT NULL,
        backup_type text NOT NULL,
        status text NOT NULL,
        trigger text NOT NULL,
        requested_by text NOT NULL,
        verification_status text NOT NULL,
        file_size_bytes bigint,
        checksum_sha256 character varying(64),
        storage_path text,
        key_id text,
        started_at timestamp with time zone,
        completed_at timestamp with time zone,
        created_at timestamp with time zone NOT NULL,
        error_message text,
        details jsonb,
        verification_report jsonb,
        verified_at timestamp with time zone,
        verifying_since timestamp with time zone,
        worker_id character varying(100),
        lease_expires_at timestamp with time zone,
        cancel_requested_at timestamp with time zone,
        cancel_requested_by character varying(200),
        progress_bytes bigint,
        progress_tables_done integer,
        progress_tables_total integer,
        estimated_bytes bigint,
        expired_at timestamp with time zone,
        CONSTRAINT pk_backup_jobs PRIMARY KEY (id),
        CONSTRAINT fk_backup_jobs_backup_schedules_schedule_id FOREIGN KEY (schedule_id) REFERENCES backup_schedules (id) ON DELETE SET NULL,
        CONSTRAINT fk_backup_jobs_sources_source_id FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE backup_metrics (
        id uuid NOT NULL,
        backup_job_id uuid NOT NULL,
        metric_name character varying(100) NOT NULL,
        metric_value double precision NOT NULL,
        unit character varying(20) NOT NULL,
        recorded_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_backup_metrics PRIMARY KEY (id),
        CONSTRAINT fk_backup_metrics_backup_jobs_backup_job_id FOREIGN KEY (backup_job_id) REFERENCES backup_jobs (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE TABLE restore_operations (
        id uuid NOT NULL,
        backup_job_id uuid NOT NULL,
        target_source_id uuid NOT NULL,
        restore_type text NOT NULL,
        status text NOT NULL,
        target_database character varying(63) NOT NULL,
        tables text[] NOT NULL,
        overwrite boolean NOT NULL,
        force boolean NOT NULL,
        no_owner boolean NOT NULL,
        requested_by character varying(200) NOT NULL,
        reason text NOT NULL,
        safety_backup_id uuid,
        started_at timestamp with time zone,
        completed_at timestamp with time zone,
        created_at timestamp with time zone NOT NULL,
        error_message text,
        bytes_restored bigint,
        row_counts jsonb NOT NULL,
        worker_id text,
        lease_expires_at timestamp with time zone,
        cancel_requested_at timestamp with time zone,
        cancel_requested_by text,
        progress_bytes bigint,
        archived_at timestamp with time zone,
        CONSTRAINT pk_restore_operations PRIMARY KEY (id),
        CONSTRAINT fk_restore_operations_backup_jobs_backup_job_id FOREIGN KEY (backup_job_id) REFERENCES backup_jobs (id) ON DELETE RESTRICT,
        CONSTRAINT fk_restore_operations_backup_jobs_safety_backup_id FOREIGN KEY (safety_backup_id) REFERENCES backup_jobs (id) ON DELETE SET NULL,
        CONSTRAINT fk_restore_operations_sources_target_source_id FOREIGN KEY (target_source_id) REFERENCES sources (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_audit_log_actor ON audit_log (actor);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_audit_log_at ON audit_log (at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_backup_jobs_created_at ON backup_jobs (created_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_backup_jobs_one_running_per_source ON backup_jobs (source_id) WHERE status = 'running' AND trigger <> 'safety';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_backup_jobs_retry_of_id ON backup_jobs (retry_of_id) WHERE retry_of_id IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_backup_jobs_schedule_id_scheduled_for ON backup_jobs (schedule_id, scheduled_for);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_backup_jobs_source_id_created_at ON backup_jobs (source_id, created_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_backup_jobs_status ON backup_jobs (status);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_backup_metrics_backup_job_id_metric_name ON backup_metrics (backup_job_id, metric_name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_backup_schedules_source_id ON backup_schedules (source_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_openiddict_applications_client_id ON openiddict_applications (client_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_openiddict_authorizations_application_id_status_subject_type ON openiddict_authorizations (application_id, status, subject, type);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_openiddict_scopes_name ON openiddict_scopes (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_openiddict_tokens_application_id_status_subject_type ON openiddict_tokens (application_id, status, subject, type);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_openiddict_tokens_authorization_id ON openiddict_tokens (authorization_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_openiddict_tokens_reference_id ON openiddict_tokens (reference_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_restore_operations_backup_job_id ON restore_operations (backup_job_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_restore_operations_created_at ON restore_operations (created_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_restore_operations_safety_backup_id ON restore_operations (safety_backup_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_restore_operations_target_source_id ON restore_operations (target_source_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_role_claims_role_id ON role_claims (role_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX "RoleNameIndex" ON roles (normalized_name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX ix_sources_name ON sources (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_user_claims_user_id ON user_claims (user_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_user_logins_user_id ON user_logins (user_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX ix_user_roles_role_id ON user_roles (role_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE INDEX "EmailIndex" ON users (normalized_email);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    CREATE UNIQUE INDEX "UserNameIndex" ON users (normalized_user_name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125172004_InitialCatalog') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125172004_InitialCatalog', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    DROP INDEX ix_backup_jobs_one_running_per_source;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE sources ADD point_in_time_recovery boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE sources ADD wal_received_at timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE sources ADD wal_receiver_error text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE sources ADD wal_receiver_seen_at timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE restore_operations ADD instance jsonb;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE restore_operations ADD keep_instance boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE restore_operations ADD replay_end_time timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE restore_operations ADD target_time timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    ALTER TABLE restore_operations ADD timings jsonb NOT NULL DEFAULT ('{}'::jsonb);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    CREATE TABLE wal_segments (
        id uuid NOT NULL,
        source_id uuid NOT NULL,
        file_name character varying(64) NOT NULL,
        timeline integer NOT NULL,
        segment_number bigint,
        original_bytes bigint NOT NULL,
        plaintext_sha256 character varying(64) NOT NULL,
        storage_path text NOT NULL,
        file_size_bytes bigint NOT NULL,
        checksum_sha256 character varying(64) NOT NULL,
        key_id text NOT NULL,
        archived_at timestamp with time zone NOT NULL,
        first_commit_at timestamp with time zone,
        last_commit_at timestamp with time zone,
        CONSTRAINT pk_wal_segments PRIMARY KEY (id),
        CONSTRAINT fk_wal_segments_sources_source_id FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    CREATE UNIQUE INDEX ix_backup_jobs_one_running_per_source ON backup_jobs (source_id) WHERE status = 'running' AND trigger NOT IN ('safety', 'prerequisite');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    CREATE UNIQUE INDEX ix_wal_segments_source_id_file_name ON wal_segments (source_id, file_name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    CREATE INDEX ix_wal_segments_source_id_timeline_segment_number ON wal_segments (source_id, timeline, segment_number);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125181050_PointInTimeRecovery') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125181050_PointInTimeRecovery', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125183801_Monitoring') THEN
    CREATE TABLE storage_samples (
        id uuid NOT NULL,
        location character varying(100) NOT NULL,
        backup_type character varying(20) NOT NULL,
        used_bytes bigint NOT NULL,
        artifact_count integer NOT NULL,
        free_bytes bigint,
        sampled_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_storage_samples PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125183801_Monitoring') THEN
    CREATE INDEX ix_storage_samples_sampled_at_location ON storage_samples (sampled_at, location);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125183801_Monitoring') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125183801_Monitoring', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE TABLE alert_channels (
        id uuid NOT NULL,
        name character varying(100) NOT NULL,
        type text NOT NULL,
        enabled boolean NOT NULL,
        url text,
        secret_encrypted text,
        slack_compatible boolean NOT NULL,
        "to" jsonb NOT NULL,
        "from" text,
        smtp_host text,
        smtp_port integer,
        smtp_security text,
        smtp_username text,
        smtp_password_encrypted text,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_alert_channels PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE TABLE alert_rules (
        id uuid NOT NULL,
        name character varying(100) NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        enabled boolean NOT NULL,
        source_id uuid,
        threshold double precision,
        min_free_bytes bigint,
        quota_bytes bigint,
        channel_ids jsonb NOT NULL,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_alert_rules PRIMARY KEY (id),
        CONSTRAINT fk_alert_rules_sources_source_id FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE TABLE alerts (
        id uuid NOT NULL,
        rule_id uuid NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL,
        key character varying(200) NOT NULL,
        source_id uuid,
        job_id uuid,
        message text NOT NULL,
        is_event boolean NOT NULL,
        fired_at timestamp with time zone NOT NULL,
        last_seen_at timestamp with time zone NOT NULL,
        resolved_at timestamp with time zone,
        resolved_reason text,
        acknowledged_at timestamp with time zone,
        acknowledged_by character varying(200),
        CONSTRAINT pk_alerts PRIMARY KEY (id),
        CONSTRAINT fk_alerts_alert_rules_rule_id FOREIGN KEY (rule_id) REFERENCES alert_rules (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE TABLE alert_deliveries (
        id uuid NOT NULL,
        alert_id uuid,
        channel_id uuid NOT NULL,
        event character varying(20) NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at timestamp with time zone NOT NULL,
        last_error text,
        created_at timestamp with time zone NOT NULL,
        sent_at timestamp with time zone,
        history jsonb NOT NULL,
        CONSTRAINT pk_alert_deliveries PRIMARY KEY (id),
        CONSTRAINT fk_alert_deliveries_alert_channels_channel_id FOREIGN KEY (channel_id) REFERENCES alert_channels (id) ON DELETE CASCADE,
        CONSTRAINT fk_alert_deliveries_alerts_alert_id FOREIGN KEY (alert_id) REFERENCES alerts (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE UNIQUE INDEX ix_alert_channels_name ON alert_channels (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE INDEX ix_alert_deliveries_alert_id ON alert_deliveries (alert_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE INDEX ix_alert_deliveries_channel_id ON alert_deliveries (channel_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE INDEX ix_alert_deliveries_status_next_attempt_at ON alert_deliveries (status, next_attempt_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE INDEX ix_alert_rules_source_id ON alert_rules (source_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE UNIQUE INDEX ix_alerts_rule_id_key ON alerts (rule_id, key) WHERE state = 'firing';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    CREATE INDEX ix_alerts_state_fired_at ON alerts (state, fired_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125184351_Alerts') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125184351_Alerts', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    ALTER TABLE wal_segments ADD location_ids uuid[];
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    ALTER TABLE sources ADD storage_location_ids uuid[] NOT NULL DEFAULT ('{}'::uuid[]);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    ALTER TABLE backup_schedules ADD storage_location_ids uuid[];
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    ALTER TABLE backup_jobs ADD copy_status text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE TABLE storage_locations (
        id uuid NOT NULL,
        name character varying(100) NOT NULL,
        type text NOT NULL,
        path text,
        endpoint text,
        region text,
        bucket character varying(63),
        prefix text,
        force_path_style boolean NOT NULL,
        access_key_id text,
        secret_access_key_encrypted text,
        is_default boolean NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_storage_locations PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE TABLE backup_copies (
        id uuid NOT NULL,
        backup_job_id uuid NOT NULL,
        location_id uuid NOT NULL,
        position integer NOT NULL,
        status text NOT NULL,
        size_bytes bigint,
        checksum_sha256 character varying(64),
        attempts integer NOT NULL,
        error text,
        created_at timestamp with time zone NOT NULL,
        stored_at timestamp with time zone,
        deleted_at timestamp with time zone,
        CONSTRAINT pk_backup_copies PRIMARY KEY (id),
        CONSTRAINT fk_backup_copies_backup_jobs_backup_job_id FOREIGN KEY (backup_job_id) REFERENCES backup_jobs (id) ON DELETE CASCADE,
        CONSTRAINT fk_backup_copies_storage_locations_location_id FOREIGN KEY (location_id) REFERENCES storage_locations (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE UNIQUE INDEX ix_backup_copies_backup_job_id_location_id ON backup_copies (backup_job_id, location_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE INDEX ix_backup_copies_location_id_status ON backup_copies (location_id, status);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE UNIQUE INDEX ix_storage_locations_is_default ON storage_locations (is_default) WHERE is_default;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    CREATE UNIQUE INDEX ix_storage_locations_name ON storage_locations (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125221305_StorageLocations') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125221305_StorageLocations', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE sources ADD drill_cron_expression character varying(100) NOT NULL DEFAULT '0 4 1 * *';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE sources ADD drill_enabled boolean NOT NULL DEFAULT TRUE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE sources ADD drill_next_run_at timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE sources ADD drill_target_source_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE sources ADD sql_checks jsonb NOT NULL DEFAULT ('[]'::jsonb);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    ALTER TABLE restore_operations ADD drill_id uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    CREATE TABLE restore_drills (
        id uuid NOT NULL,
        source_id uuid NOT NULL,
        status text NOT NULL,
        trigger text NOT NULL,
        scheduled_for timestamp with time zone,
        requested_by character varying(200) NOT NULL,
        created_at timestamp with time zone NOT NULL,
        started_at timestamp with time zone,
        completed_at timestamp with time zone,
        worker_id text,
        lease_expires_at timestamp with time zone,
        backup_job_id uuid,
        restore_id uuid,
        rto_seconds double precision,
        pitr_restore_id uuid,
        pitr_target_time timestamp with time zone,
        pitr_rto_seconds double precision,
        checks jsonb NOT NULL,
        error_message text,
        CONSTRAINT pk_restore_drills PRIMARY KEY (id),
        CONSTRAINT fk_restore_drills_sources_source_id FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    CREATE INDEX ix_restore_drills_source_id_completed_at ON restore_drills (source_id, completed_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    CREATE UNIQUE INDEX ix_restore_drills_source_id_scheduled_for ON restore_drills (source_id, scheduled_for);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    CREATE INDEX ix_restore_drills_status ON restore_drills (status);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261125222327_RestoreDrills') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261125222327_RestoreDrills', '10.0.15');
    END IF;
END $EF$;
COMMIT;

